package dev.kiln.boot;

import org.junit.jupiter.api.Assumptions;
import dev.kiln.testing.HostTools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the independent tools the tests use as oracles (isoinfo, xorriso, fsck.vfat, sfdisk, sgdisk). */
public final class Tools {

    private Tools() {
    }

    public record Result(int exit, String out) {
    }

    /** The Debian package each oracle comes from, named when it is missing. */
    private static final Map<String, String> PACKAGES = Map.of("sgdisk", "gdisk", "sfdisk", "fdisk",
            "xorriso", "xorriso", "isoinfo", "genisoimage", "fsck.vfat", "dosfstools", "mcopy", "mtools",
            "mdir", "mtools", "objdump", "binutils", "tar", "tar", "dd", "coreutils");

    public static Result run(String... command) throws IOException, InterruptedException {
        Process p = HostTools.command(List.of(command)).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", command));
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /**
     * The path of {@code tool} on PATH or in the sbin folders (where sgdisk and sfdisk live, outside a
     * user's PATH); when it is missing the test is skipped, naming the package that provides it.
     */
    static String find(String tool) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (String dir : dirs) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return Path.of(dir, tool).toString();
            }
        }
        Assumptions.abort(tool + " is not installed; install the Debian package "
                + PACKAGES.getOrDefault(tool, tool) + " to run this test");
        return tool;
    }

    /** Runs a command that must succeed and returns its output. */
    public static String ok(String... command) throws IOException, InterruptedException {
        Result r = run(command);
        if (r.exit() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + r.exit() + ":\n" + r.out());
        }
        return r.out();
    }
}
