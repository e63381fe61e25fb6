package dev.kiln.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The workload the build runs once, under {@code -XX:DumpLoadedClassList}, to list the classes a
 * typical kiln invocation loads: help for every command, and a small image converted into every
 * format and read back. The launcher turns that list into a class-data-sharing archive, so picocli
 * (compiled for Java 5, which the JVM can only archive this way) and kiln's own classes start from
 * memory-mapped, pre-verified data instead of jar files. Nothing here touches the network.
 */
final class StartupTraining {

    private static final List<String> FORMATS = List.of("qcow2", "vhd", "dynamic-vhd", "vmdk", "ova", "gcp", "raw");

    private StartupTraining() {
    }

    public static void main(String[] args) throws IOException {
        Class<?> launched = Main.class;  // loaded here so the archive has it; never run (it exits)
        Path dir = Files.createTempDirectory("kiln-training");
        try {
            Path raw = sample(dir.resolve("sample.raw"));
            run("--help");
            for (String command : List.of("build", "push", "run", "convert", "cache", "providers", "formats")) {
                run(command, "--help");
            }
            run("push", "aws", "--help");
            run("run", "qemu", "--help");
            run("formats");
            for (String format : FORMATS) {
                run("convert", raw.toString(), dir.resolve("out." + format).toString(), "-f", format);
            }
            run("convert", dir.resolve("out.qcow2").toString(), dir.resolve("back.raw").toString(), "-f", "raw");
            run("convert", dir.resolve("out.vhd").toString(), dir.resolve("back.vmdk").toString(), "-f", "vmdk",
                    "--output", "json");
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** A sparse 64 MiB disk with a few MiB of data, some of it compressible. */
    private static Path sample(Path path) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            file.setLength(64L << 20);
            byte[] block = new byte[1 << 20];
            for (int i = 0; i < block.length; i++) {
                block[i] = (byte) (i * 31 >>> 7);
            }
            for (long at : new long[] {0, 5L << 20, 40L << 20}) {
                file.seek(at);
                file.write(block);
            }
        }
        return path;
    }

    private static void run(String... args) {
        Session session = Session.of(OutputStream.nullOutputStream(), OutputStream.nullOutputStream(),
                Map.of("CI", "true"), new Interrupts(Thread.currentThread()));
        int code = Kiln.execute(args, session);
        if (code != Kiln.OK) {
            throw new IllegalStateException("training run failed (" + code + "): kiln " + String.join(" ", args));
        }
    }
}
