package dev.kiln.cli;

import dev.kiln.api.Events;
import dev.kiln.api.Version;
import dev.kiln.spi.ProviderFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

@Command(name = "kiln",
        mixinStandardHelpOptions = true,
        versionProvider = KilnCommand.VersionText.class,
        header = "Build minimal, immutable Linux machine images and push and run them on clouds.",
        description = {
                "kiln reads LinuxKit-style YAML, builds images without Docker, publishes",
                "them on clouds and boots them locally in qemu. 'kiln providers' lists the",
                "providers installed here; each adds 'kiln push NAME' and 'kiln run NAME'.",
                "",
                "  kiln build hello.yml -f raw-efi,gcp       build two outputs",
                "  kiln run qemu hello-efi.img              boot one here",
                "  kiln push gcp hello.img.tar.gz --bucket b publish it",
                ""},
        footer = {"", "Exit codes: 0 ok, 1 failure, 2 usage error (nothing ran), 130 interrupted.",
                "Run 'kiln COMMAND --help' for a command's options."},
        sortOptions = false,
        usageHelpAutoWidth = true)
public final class KilnCommand implements Runnable {

    public enum OutputKind { text, json }

    public enum ConsoleKind { auto, rich, plain }

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "Show debug details.")
    boolean verbose;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT, description = "Show only warnings, errors and the result.")
    boolean quiet;

    @Option(names = "--output", scope = ScopeType.INHERIT, paramLabel = "text|json", defaultValue = "text",
            description = "Result format on stdout; json prints one document and nothing else (logs go to stderr).")
    OutputKind output;

    @Option(names = "--console", scope = ScopeType.INHERIT, paramLabel = "auto|rich|plain", defaultValue = "auto",
            description = "Progress display: rich bars on a terminal, plain timestamped lines otherwise (CI, pipes, TERM=dumb).")
    ConsoleKind console;

    @Option(names = "--stacktrace", scope = ScopeType.INHERIT, description = "Print stack traces of failures.")
    boolean stacktrace;

    @Option(names = "--result-file", scope = ScopeType.INHERIT, paramLabel = "PATH",
            description = "Also write the JSON result document to PATH.")
    Path resultFile;

    @Option(names = "--work-dir", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "Scratch folder for build files and whole-disk conversions (env KILN_WORK_DIR);"
                    + " default: next to the output or the image, not /tmp.")
    Path workDir;

    private final Session session;
    private final Supplier<List<ProviderFactory>> providers;
    private List<ProviderFactory> loaded;
    private Renderer renderer;

    /** {@code providers} is asked once, when a command first needs the installed providers. */
    KilnCommand(Session session, Supplier<List<ProviderFactory>> providers) {
        this.session = session;
        this.providers = providers;
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // the tree's own CommandLine, so the message goes to this session's stderr
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing command; try 'kiln --help'");
    }

    Session session() {
        return session;
    }

    synchronized List<ProviderFactory> providers() {
        if (loaded == null) {
            loaded = List.copyOf(providers.get());
        }
        return loaded;
    }

    /** The renderer for this invocation, made on first use. */
    synchronized Renderer renderer() {
        if (renderer == null) {
            renderer = Renderer.choose(console, verbose, quiet, session);
        }
        return renderer;
    }

    Events events(String source) {
        return new Events(renderer(), source);
    }

    Results results() {
        return new Results(session, output, resultFile);
    }

    /** Where scratch folders go: --work-dir, else KILN_WORK_DIR, else {@code besides}. */
    Path workDir(Path besides) {
        if (workDir != null) {
            return workDir;
        }
        String env = session.env().get("KILN_WORK_DIR");
        return env == null || env.isBlank() ? besides : Path.of(env);
    }

    boolean stacktrace() {
        return stacktrace;
    }

    boolean verbose() {
        return verbose;
    }

    static final class VersionText implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"kiln " + Version.get()};
        }
    }
}
