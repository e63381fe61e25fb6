package dev.kiln.disk.bench;

import dev.kiln.api.Events;
import dev.kiln.disk.DiskFormat;
import dev.kiln.disk.DiskImages;
import dev.kiln.api.DiskSource;
import dev.kiln.disk.WriteOptions;
import dev.kiln.disk.compress.BlockCompressor;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * In-process timing for bench/disk-formats.sh: converts IN to each FORMAT RUNS times in one JVM and
 * prints "format run wall-ms cpu-ms bytes", so JVM start-up is out of the figure (the script times the CLI
 * too). CPU is the whole process's (all threads, user + system).
 * Usage: [-Dsync=true] [-Dthreads=N] DiskBench IN OUTDIR RUNS FORMAT...
 */
public final class DiskBench {

    private static final int THREADS = Integer.getInteger("threads", Runtime.getRuntime().availableProcessors());
    /** -Dsync=true: the previous output is removed and synced before each run (untimed). */
    private static final boolean SYNC = Boolean.getBoolean("sync");

    private DiskBench() {
    }

    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    public static void main(String[] args) throws Exception {
        Path in = Path.of(args[0]);
        Path outDir = Path.of(args[1]);
        int runs = Integer.parseInt(args[2]);
        System.out.println("# deflate backend: " + BlockCompressor.backend());
        for (int a = 3; a < args.length; a++) {
            DiskFormat format = DiskFormat.of(args[a]);
            Path out = outDir.resolve("inproc." + format.id());
            for (int r = 0; r < runs; r++) {
                if (SYNC) {
                    // as bench/disk-heavy.sh does between CLI runs: no run pays for the last one's write-back
                    Files.deleteIfExists(out);
                    new ProcessBuilder("sync").inheritIO().start().waitFor();
                }
                long c0 = cpu();
                long t0 = System.nanoTime();
                try (DiskSource src = DiskImages.open(in)) {
                    DiskImages.write(format, src, out, WriteOptions.defaults().withThreads(THREADS), Events.none());
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                long cpuMs = (cpu() - c0) / 1_000_000;
                System.out.println(format.id() + " " + r + " " + ms + " " + cpuMs + " " + Files.size(out));
            }
            Files.deleteIfExists(out);
        }
    }
}
