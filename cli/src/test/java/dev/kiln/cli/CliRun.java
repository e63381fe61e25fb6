package dev.kiln.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the real command tree in-process with captured streams, as a user at a shell would. The result document of
 * every run (--output json, --result-file) is checked against the result schema.
 */
record CliRun(int exitCode, String stdout, String stderr) {

    static CliRun run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> all = new HashMap<>(env);
        all.putIfAbsent("TERM", "dumb");
        Session session = Session.of(out, err, all, Interrupts.none());
        int code = Kiln.execute(args, session);
        session.out().flush();
        session.err().flush();
        CliRun run = new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        ResultDocuments.checkRun(args, run.stdout());
        return run;
    }

    static CliRun run(String... args) {
        return run(Map.of(), args);
    }
}
