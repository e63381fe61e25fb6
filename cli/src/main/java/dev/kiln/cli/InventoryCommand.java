package dev.kiln.cli;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.api.Trees;
import dev.kiln.build.CoreConversions;
import dev.kiln.spi.Made;
import dev.kiln.spi.OptionSpec;
import dev.kiln.spi.Options;
import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.ProviderFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code kiln ls NAME [images|instances]} and {@code kiln rm NAME ID|NAME...} for one provider, with the flags its
 * {@link ProviderFactory#inventoryOptions()} declares (where to look, with which credentials), built at run time as
 * push and run are. A provider that cannot list is a usage error that names those that can.
 */
final class InventoryCommand implements Callable<Integer> {

    private enum Verb { LS, RM }

    private final Session session;
    private final ProviderFactory factory;
    private final Verb verb;
    private final CommandSpec spec;

    private InventoryCommand(Session session, ProviderFactory factory, Verb verb) {
        this.session = session;
        this.factory = factory;
        this.verb = verb;
        this.spec = CommandSpec.wrapWithoutInspection(this);
        describe();
    }

    static CommandSpec ls(Session session, ProviderFactory factory) {
        return new InventoryCommand(session, factory, Verb.LS).spec;
    }

    static CommandSpec rm(Session session, ProviderFactory factory) {
        return new InventoryCommand(session, factory, Verb.RM).spec;
    }

    private void describe() {
        spec.name(factory.name());
        // one that cannot list is there only to say which can, so help and the reference leave it out
        spec.usageMessage().headerHeading("").header((verb == Verb.LS ? "List what kiln made on "
                        : "Remove what kiln made on ") + factory.name()).hidden(!factory.canList())
                .sortOptions(false).autoWidth(true)
                .footer("", "Values come from the flag, else the first env var set, else the default.");
        spec.mixinStandardHelpOptions(true);
        if (verb == Verb.LS) {
            spec.addPositional(PositionalParamSpec.builder().paramLabel("images|instances").arity("0..1")
                    .type(String.class).description("What to list (default: both).").build());
        } else {
            spec.addPositional(PositionalParamSpec.builder().paramLabel("ID|NAME").arity("1..*").type(List.class)
                    .auxiliaryTypes(String.class).description("Ids, or the names kiln gave them (kiln ls shows both).")
                    .build());
            option("--dry-run", "Say what would be removed, with everything behind it; remove nothing.");
            option("--all", "Remove every image and instance a NAME names (without it, a NAME naming several is "
                    + "an error).");
            option("--force", "Remove what carries none of kiln's tags too.");
        }
        for (OptionSpec o : factory.inventoryOptions()) {
            spec.addOption(ProviderCommand.toPicocli(o, ProviderCommand.help(o)));
        }
    }

    private void option(String name, String description) {
        spec.addOption(CommandLine.Model.OptionSpec.builder(name).arity("0").type(boolean.class)
                .description(description).build());
    }

    @Override
    public Integer call() throws Exception {
        KilnCommand root = Kiln.root(spec);
        if (!factory.canList()) {
            List<String> can = root.providers().stream().filter(ProviderFactory::canList).map(ProviderFactory::name)
                    .toList();
            throw KilnException.usage(factory.name() + " cannot list or remove what kiln made yet; kiln ls and kiln rm "
                    + "work on " + (can.isEmpty() ? "no provider installed here" : String.join(", ", can)));
        }
        ParseResult parsed = spec.commandLine().getParseResult();
        List<OptionSpec> specs = factory.inventoryOptions();
        Options options = Options.resolve(specs, ProviderCommand.given(parsed, specs), session.env());
        Events events = root.events(factory.name());
        events.debug((verb == Verb.LS ? "ls" : "rm") + " options " + options);
        Path workDir = ProviderCommand.scratchIn(root, Path.of("").toAbsolutePath(), factory.name());
        ProviderContext context = ProviderContext.builder().options(options).env(session.env()).events(events)
                .clock(Clock.systemUTC()).workDir(workDir).cancel(session.interrupts().token())
                .conversions(new CoreConversions()).build();
        try (Provider provider = factory.create(context)) {
            if (verb == Verb.LS) {
                List<Made> items = new ArrayList<>();
                for (Made.Kind kind : kinds(parsed)) {
                    items.addAll(provider.list(kind));
                }
                root.renderer().close();
                root.results().ls(factory.name(), kinds(parsed), items, Clock.systemUTC().instant());
                return Kiln.OK;
            }
            List<String> names = parsed.matchedPositional(0).getValue();
            return new Removal(session, root, factory.name(), provider).run(names, parsed.hasMatchedOption("--dry-run"),
                    parsed.hasMatchedOption("--all"), parsed.hasMatchedOption("--force"));
        } finally {
            Trees.deleteQuietly(workDir);
        }
    }

    private static List<Made.Kind> kinds(ParseResult parsed) {
        if (!parsed.hasMatchedPositional(0)) {
            return List.of(Made.Kind.IMAGE, Made.Kind.INSTANCE);
        }
        String word = parsed.matchedPositional(0).<String>getValue().toLowerCase(Locale.ROOT);
        for (Made.Kind kind : Made.Kind.values()) {
            if (word.equals(kind.plural()) || word.equals(kind.word())) {
                return List.of(kind);
            }
        }
        throw KilnException.usage("kiln ls lists images or instances, not '" + word + "'");
    }
}
