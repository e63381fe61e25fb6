package dev.kiln.cli;

import dev.kiln.api.Events;
import dev.kiln.oci.OciLayout;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** What every {@code kiln cache} subcommand shares: the cache directory and the way results are printed. */
abstract class CacheBaseCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--cache", paramLabel = "DIR", description = "Image cache directory (env: KILN_CACHE; default: ~/.cache/kiln).")
    Path cache;

    KilnCommand root() {
        return Kiln.root(spec);
    }

    Path cacheDir() {
        return BuildCommand.cacheDir(cache, root().session().env());
    }

    OciLayout layout() {
        return OciLayout.open(cacheDir());
    }

    Events events() {
        return root().events("cache");
    }

    /** Prints the result document ({@code --output json}) or its text form. */
    int result(String command, Map<String, Object> body, String text) {
        root().renderer().close();
        root().results().other(command, body, text);
        return Kiln.OK;
    }
}
