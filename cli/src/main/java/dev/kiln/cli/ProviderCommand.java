package dev.kiln.cli;

import dev.kiln.api.Architecture;
import dev.kiln.api.Events;
import dev.kiln.api.Trees;
import dev.kiln.build.CoreConversions;
import dev.kiln.api.KilnException;
import dev.kiln.spi.OptionSpec;
import dev.kiln.spi.Options;
import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.RunRequest;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code kiln push NAME} and {@code kiln run NAME} for one provider, built at run time from the
 * options the provider declares, so a provider on the class path needs no change here.
 */
final class ProviderCommand implements Callable<Integer> {

    private enum Verb { PUSH, RUN }

    private final Session session;
    private final ProviderFactory factory;
    private final Verb verb;
    private final CommandSpec spec;

    private ProviderCommand(Session session, ProviderFactory factory, Verb verb) {
        this.session = session;
        this.factory = factory;
        this.verb = verb;
        this.spec = CommandSpec.wrapWithoutInspection(this);
        describe();
    }

    static CommandSpec push(Session session, ProviderFactory factory) {
        return new ProviderCommand(session, factory, Verb.PUSH).spec;
    }

    static CommandSpec run(Session session, ProviderFactory factory) {
        return new ProviderCommand(session, factory, Verb.RUN).spec;
    }

    private List<OptionSpec> declared() {
        return verb == Verb.PUSH ? factory.pushOptions() : factory.runOptions();
    }

    private List<OptionSpec> shared() {
        return verb == Verb.PUSH ? SharedFlags.PUSH : SharedFlags.RUN;
    }

    private void describe() {
        String what = verb == Verb.PUSH ? "Publish an image on " : "Start an instance on ";
        spec.name(factory.name());
        spec.usageMessage().headerHeading("").header(what + factory.name() + ": " + factory.summary())
                .sortOptions(false).autoWidth(true)
                .footer("", "Values come from the flag, else the first env var set, else the default.");
        spec.mixinStandardHelpOptions(true);
        spec.addPositional(PositionalParamSpec.builder()
                .paramLabel("IMAGE").arity("1").required(true).type(String.class)
                .description(verb == Verb.PUSH
                        ? "Image file to publish; accepted: " + accepted()
                        : "Image to start: " + factory.runImage() + ".")
                .build());
        spec.addOption(CommandLine.Model.OptionSpec.builder("--name").paramLabel("NAME").type(String.class)
                .description(verb == Verb.PUSH ? "Image name (default: the file name without its format suffix)."
                        : "Instance name (default: the image name).").build());
        if (verb == Verb.PUSH || factory.runPushesLocalImages()) {
            spec.addOption(CommandLine.Model.OptionSpec.builder("--arch").paramLabel("amd64|arm64").type(String.class)
                    .description(verb == Verb.PUSH ? "Architecture of the image (default: its build's, else amd64)."
                            : "Architecture of a local IMAGE, which is pushed first (default: its build's, else amd64).")
                    .build());
        }
        spec.addOption(CommandLine.Model.OptionSpec.builder("--dry-run").arity("0").type(boolean.class)
                .description("Check everything and say what would be done; change nothing.").build());
        for (OptionSpec o : shared()) {
            spec.addOption(toPicocli(o, sharedHelp(o)));
        }
        for (OptionSpec o : declared()) {
            spec.addOption(toPicocli(o, help(o)));
        }
    }

    private String accepted() {
        return String.join(", ", factory.accepts().stream().sorted().map(f -> f.id()).toList());
    }

    /** The shared flags read the same on every provider, plus what this one takes of them. */
    private String sharedHelp(OptionSpec o) {
        String text = help(o);
        if (o.name().equals("disk")) {
            return text + "; " + factory.name() + " " + SharedFlags.diskKeys(factory);
        }
        if (o.name().equals("userdata")) {
            return text + factory.runSupport().userdata().map(l -> "; " + factory.name() + " takes at most "
                    + l.maxBytes() + " bytes").orElse("; " + factory.name() + " takes none");
        }
        return text;
    }

    static CommandLine.Model.OptionSpec toPicocli(OptionSpec o, String description) {
        CommandLine.Model.OptionSpec.Builder b = CommandLine.Model.OptionSpec.builder(o.flag())
                .description(description);
        if (o.kind() == OptionSpec.Kind.SWITCH) {
            b.arity("0").negatable(true).type(boolean.class).preprocessor(Deprecations::oldSwitchValue);
        } else if (o.repeatable()) {
            b.arity("1").type(List.class).auxiliaryTypes(String.class).paramLabel(o.label());
        } else {
            b.arity("1").type(String.class).paramLabel(o.label());
        }
        return b.build();
    }

    static String help(OptionSpec o) {
        List<String> notes = new ArrayList<>();
        if (!o.env().isEmpty()) {
            notes.add("env: " + String.join(", ", o.env()));
        }
        if (o.defaultValue() != null && !o.secret() && !(o.kind() == OptionSpec.Kind.SWITCH && o.defaultValue().equals("false"))) {
            notes.add("default: " + o.defaultValue());
        }
        if (o.repeatable()) {
            notes.add("repeatable");
        }
        if (o.secret()) {
            notes.add("secret: never printed");
        }
        return notes.isEmpty() ? o.help() : o.help() + " (" + String.join("; ", notes) + ")";
    }

    @Override
    public Integer call() throws Exception {
        ParseResult parsed = spec.commandLine().getParseResult();
        KilnCommand root = Kiln.root(spec);
        Options options = Options.resolve(declared(), given(parsed, declared()), session.env());
        Options common = Options.resolve(shared(), given(parsed, shared()), session.env());
        Events events = root.events(factory.name());
        events.debug((verb == Verb.PUSH ? "push" : "run") + " options " + common + " " + options);
        String image = parsed.matchedPositional(0).getValue();
        boolean dryRun = parsed.hasMatchedOption("--dry-run");
        Path workDir = scratch(root, image);
        ProviderContext context = ProviderContext.builder().options(options).env(session.env()).events(events)
                .clock(Clock.systemUTC()).workDir(workDir).cancel(session.interrupts().token())
                .conversions(new CoreConversions()).build();
        try (Provider provider = factory.create(context)) {
            if (verb == Verb.PUSH) {
                PushRequest request = ImageFiles.describe(image, parsed.matchedOptionValue("--name", null),
                        arch(parsed), dryRun, factory, events).withPolicy(SharedFlags.policy(common));
                var result = provider.push(request);
                root.renderer().close();
                root.results().push(result);
            } else {
                String name = parsed.matchedOptionValue("--name", ImageFiles.baseName(image));
                RunRequest request = SharedFlags.run(common, factory, image, name, dryRun);
                // a cloud that boots only what it holds pushes a local file or build first
                var result = factory.runPushesLocalImages() && Files.exists(Path.of(image))
                        ? provider.run(request, ImageFiles.describe(image, null, arch(parsed), dryRun, factory,
                        events)) : provider.run(request);
                root.renderer().close();
                root.results().run(result, image);
                if (result.exitCode().filter(code -> code != 0).isPresent()) {
                    // a guest that failed (a kernel panic, a non-zero exit) fails the command, for CI
                    session.err().println("kiln: the guest exited with status " + result.exitCode().get());
                    return Kiln.FAILURE;
                }
            }
        } finally {
            deleteTree(workDir);
        }
        return Kiln.OK;
    }

    /** --arch as given, or null: then the build record's, else amd64. */
    private static Architecture arch(ParseResult parsed) {
        return parsed.hasMatchedOption("--arch") ? Architecture.of(parsed.matchedOptionValue("--arch", "")) : null;
    }

    /** A private scratch folder next to the image file (or here), unless --work-dir names another place. */
    private Path scratch(KilnCommand root, String image) {
        Path file = Path.of(image);
        Path besides = Files.isRegularFile(file) ? file.toAbsolutePath().getParent() : Path.of("").toAbsolutePath();
        return scratchIn(root, besides, factory.name());
    }

    /** A private scratch folder for one provider's command under --work-dir (or KILN_WORK_DIR), else {@code besides}. */
    static Path scratchIn(KilnCommand root, Path besides, String provider) {
        Path base = root.workDir(besides);
        try {
            return Files.createTempDirectory(Files.createDirectories(base), ".kiln-" + provider + "-");
        } catch (IOException e) {
            throw KilnException.tried("create a scratch folder in " + base, KilnException.reason(e),
                    "pass --work-dir DIR (or set KILN_WORK_DIR) to a writable folder with room for a converted disk", e);
        }
    }

    static Map<String, List<String>> given(ParseResult parsed, List<OptionSpec> specs) {
        Map<String, List<String>> flags = new LinkedHashMap<>();
        for (OptionSpec o : specs) {
            CommandLine.Model.OptionSpec matched = parsed.matchedOption(o.flag());
            if (matched == null) {
                continue;
            }
            List<String> values = matched.stringValues();
            if (o.kind() == OptionSpec.Kind.SWITCH && values.isEmpty()) {
                values = List.of("true");
            }
            flags.put(o.name(), values);
        }
        return flags;
    }

    private static void deleteTree(Path dir) {
        if (!Trees.deleteQuietly(dir)) {
            throw KilnException.tried("remove the scratch directory " + dir, "some files could not be removed",
                    "remove it by hand");
        }
    }
}
