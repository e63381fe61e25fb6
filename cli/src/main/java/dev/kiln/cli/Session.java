package dev.kiln.cli;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The world one invocation sees: stdout as bytes (for {@code -o -}) and as text, stderr, the
 * environment and Ctrl-C.
 */
public record Session(OutputStream stdout, PrintWriter out, PrintWriter err, Map<String, String> env,
                      Interrupts interrupts) {

    public Session {
        env = Map.copyOf(env);
    }

    public static Session of(OutputStream stdout, OutputStream stderr, Map<String, String> env, Interrupts interrupts) {
        return new Session(stdout, new PrintWriter(stdout, true, StandardCharsets.UTF_8),
                new PrintWriter(stderr, true, StandardCharsets.UTF_8), env, interrupts);
    }
}
