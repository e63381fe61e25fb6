package dev.kiln.disk;

import dev.kiln.testing.HostTools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the oracle tools (qemu-img, tar) the tests check kiln's output with. */
public final class Tools {

    /** Exit code and combined output of one command. */
    public record Result(int exit, String output) {
    }

    private Tools() {
    }

    public static Result run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = HostTools.command(List.of(command)).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", command));
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** Runs a command that must succeed and returns its output. */
    public static String ok(Path dir, String... command) throws IOException, InterruptedException {
        Result r = run(dir, command);
        if (r.exit() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + r.exit() + ":\n" + r.output());
        }
        return r.output();
    }

    public static List<String> args(String... a) {
        return new ArrayList<>(List.of(a));
    }
}
