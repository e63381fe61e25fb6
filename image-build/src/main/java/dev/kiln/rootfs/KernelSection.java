package dev.kiln.rootfs;

import dev.kiln.config.KernelSpec;
import dev.kiln.api.KilnException;
import dev.kiln.oci.LocalImage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel part of the root filesystem, as LinuxKit's kernelFilter writes it: {@code boot/},
 * {@code boot/cmdline}, {@code boot/kernel} (optionally decompressed), {@code boot/ucode.cpio}
 * when configured, then the contents of {@code kernel.tar} (modules, firmware) at {@code /}.
 */
final class KernelSection {

    private static final String LOCATION = "kernel";

    private final ImageResolver images;
    private final Path tmp;
    private final boolean decompress;

    KernelSection(ImageResolver images, Path tmp, boolean decompress) {
        this.images = images;
        this.tmp = tmp;
        this.decompress = decompress;
    }

    void write(KernelSpec spec, RootfsWriter out) throws IOException {
        LocalImage image = images.resolve(spec.image(), LOCATION);
        String source = image.reference();
        String what = "kernel image " + source;
        try (FlatImage flat = images.flatten(image)) {
            String binary = SafePaths.clean(spec.binaryOrDefault(), what);
            TarEntry kernel = require(flat, binary, what, "kernel binary");
            out.write(TarEntry.dir("boot", 0755), InputStream.nullInputStream(), source, LOCATION);
            out.write(TarEntry.file("boot/cmdline", 0644, 0), spec.cmdlineOrEmpty().getBytes(StandardCharsets.UTF_8),
                    source, LOCATION);
            writeKernel(flat, kernel, out, source);
            if (spec.ucode() != null && !spec.ucode().isEmpty()) {
                String ucode = SafePaths.clean(spec.ucode(), what);
                TarEntry u = require(flat, ucode, what, "microcode");
                try (InputStream data = flat.open(ucode)) {
                    out.write(TarEntry.file("boot/ucode.cpio", u.mode(), u.size()), data, source, LOCATION);
                }
            }
            String tarName = spec.tarOrDefault();
            if (tarName != null) {
                String name = SafePaths.clean(tarName, what);
                require(flat, name, what, "kernel tar");
                try (FlatImage modules = images.flatten(() -> flat.open(name), what + " " + name)) {
                    ImageTreeWriter.write(modules, "", out, source, LOCATION, what + " " + name);
                }
            }
        }
    }

    private void writeKernel(FlatImage flat, TarEntry kernel, RootfsWriter out, String source) throws IOException {
        if (!decompress) {
            try (InputStream data = flat.open(kernel.name())) {
                out.write(TarEntry.file("boot/kernel", kernel.mode(), kernel.size()), data, source, LOCATION);
            }
            return;
        }
        Path plain = Files.createTempFile(tmp, "kernel", ".bin");
        try {
            try (OutputStream o = Files.newOutputStream(plain)) {
                KernelDecompressor.decompress(() -> flat.open(kernel.name()), o);
            }
            try (InputStream data = Files.newInputStream(plain)) {
                out.write(TarEntry.file("boot/kernel", kernel.mode(), Files.size(plain)), data, source, LOCATION);
            }
        } finally {
            Files.deleteIfExists(plain);
        }
    }

    private static TarEntry require(FlatImage flat, String name, String what, String role) {
        TarEntry e = flat.get(name);
        if (e == null || e.kind() != TarEntry.Kind.FILE) {
            throw KilnException.tried("read the " + role + " '" + name + "' from " + what, "the image has no such file",
                    "check kernel.binary, kernel.tar and kernel.ucode in the YAML, or the image");
        }
        return e;
    }
}
