package dev.kiln.cli;

import dev.kiln.api.KilnException;
import dev.kiln.disk.Compression;
import dev.kiln.disk.DiskFormat;
import dev.kiln.disk.DiskImages;
import dev.kiln.api.DiskSource;
import dev.kiln.disk.WriteOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "convert", mixinStandardHelpOptions = true,
        header = "Convert a disk image made elsewhere into a cloud's container.",
        description = {"Reads raw, qcow2, VHD (fixed or dynamic), sparse VMDK (monolithicSparse or",
                "streamOptimized), an OVA's VMDK or a GCE tar.gz's disk.raw, and writes raw,",
                "qcow2, vhd (fixed, Azure), dynamic-vhd, vmdk (streamOptimized), ova or gcp",
                "(disk.raw in an oldgnu sparse tar.gz).",
                "Only the data is read and written: a mostly empty 64 GiB disk converts in milliseconds.",
                "", "  kiln convert disk.raw disk.vhd -f vhd              Azure fixed VHD, whole MiB",
                "  kiln convert disk.qcow2 disk.img.tar.gz -f gcp     GCE image file",
                "  kiln convert disk.raw disk.qcow2 -f qcow2 --format-option compress=zstd",
                ""},
        sortOptions = false)
final class ConvertCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN", description = "Image to read (raw, qcow2, VHD, VMDK, OVA or GCE tar.gz; detected from its bytes).")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "File to write; it appears only when complete.")
    Path out;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT",
            description = "raw, qcow2, vhd, dynamic-vhd, vmdk, ova or gcp (default: from OUT's extension).")
    String format;

    @Option(names = "--format-option", paramLabel = "KEY=VALUE", split = ",",
            description = "Format option, as qemu-img spells it: compress=zlib|zstd (qcow2).")
    List<String> options = new ArrayList<>();

    @Option(names = {"-o", "--option"}, hidden = true, paramLabel = "KEY=VALUE")
    void deprecatedOption(String values) {
        Deprecations.warn(spec, "-o/--option", "--format-option");
        options.addAll(List.of(values.split(",")));
    }

    @Option(names = "--threads", paramLabel = "N", description = "Compression threads (default: all cores).")
    Integer threads;

    @Option(names = "--level", paramLabel = "1-9", defaultValue = "6", description = "Deflate level (default: ${DEFAULT-VALUE}).")
    int level;

    @Option(names = "--exact-size", description = "Keep the input's size instead of rounding up (whole MiB for VHD, whole GiB for raw and gcp);"
            + " a size Azure or GCE refuses is written with a warning. When kiln pads a GPT disk, the backup GPT"
            + " moves to the new end.")
    boolean exactSize;

    @Option(names = "--name", paramLabel = "NAME", description = "Name inside OVA/VMDK descriptors (default: OUT's base name).")
    String name;

    @Override
    public Integer call() throws IOException {
        KilnCommand root = Kiln.root(spec);
        DiskFormat target = format != null ? DiskFormat.of(format) : fromExtension(out);
        WriteOptions opts = writeOptions();
        DiskFormat source;
        long virtual;
        if (!Files.isRegularFile(in)) {
            throw KilnException.usage("No such image: " + in);
        }
        source = DiskImages.detect(in);
        try (DiskSource disk = DiskImages.open(in)) {
            virtual = disk.size();
            dev.kiln.api.Events events = root.events("convert");
            events.phase("write " + target.id() + " " + out.getFileName());
            DiskImages.write(target, disk, out, opts, events);
        }
        root.renderer().close();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("input", in.toString());
        doc.put("input_format", source.id());
        doc.put("output", out.toString());
        doc.put("format", target.id());
        doc.put("virtual_size", virtual);
        doc.put("size", Files.size(out));
        root.results().other("convert", doc, String.format("%-12s %s  (%s from %s %s)%n", target.id(), out,
                Renderer.size(Files.size(out)), source.id(), in));
        return Kiln.OK;
    }

    private WriteOptions writeOptions() {
        WriteOptions o = WriteOptions.defaults().withLevel(level).withRoundSize(!exactSize)
                .withName(name != null ? name : baseName(out));
        if (threads != null) {
            o = o.withThreads(threads);
        }
        for (String kv : options) {
            String[] p = kv.split("=", 2);
            if (p.length != 2 || !p[0].trim().equals("compress")) {
                throw KilnException.usage("Unknown --format-option '" + kv + "'; known: compress=zlib|zstd");
            }
            o = o.withCompression(Compression.of(p[1]));
        }
        return o;
    }

    static DiskFormat fromExtension(Path out) {
        String n = out.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".tar.gz")) {
            return DiskFormat.GCP_TAR_GZ;
        }
        String ext = n.substring(n.lastIndexOf('.') + 1);
        return switch (ext) {
            case "qcow2" -> DiskFormat.QCOW2;
            case "vhd" -> DiskFormat.VHD;
            case "vmdk" -> DiskFormat.VMDK;
            case "ova" -> DiskFormat.OVA;
            case "raw", "img" -> DiskFormat.RAW;
            default -> throw KilnException.usage("Cannot tell the format from '" + out.getFileName()
                    + "'; pass -f with one of: " + DiskFormat.ids());
        };
    }

    private static String baseName(Path p) {
        String n = p.getFileName().toString();
        for (String ext : new String[] {".img.tar.gz", ".tar.gz", ".qcow2", ".vhd", ".vmdk", ".ova", ".raw", ".img"}) {
            if (n.endsWith(ext) && n.length() > ext.length()) {
                return n.substring(0, n.length() - ext.length());
            }
        }
        return n.isBlank() ? "disk" : n;
    }
}
