package dev.kiln.boot;

import dev.kiln.testing.HostTools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the independent tools the tests use as oracles (isoinfo, xorriso, fsck.vfat, sfdisk, sgdisk). */
public final class Tools {

    private Tools() {
    }

    public record Result(int exit, String out) {
    }

    public static Result run(String... command) throws IOException, InterruptedException {
        Process p = HostTools.command(List.of(command)).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", command));
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
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
