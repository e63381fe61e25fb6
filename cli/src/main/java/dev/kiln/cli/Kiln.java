package dev.kiln.cli;

import dev.kiln.api.KilnException;
import dev.kiln.disk.DiskImages;
import dev.kiln.oci.CachedImageStore;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.Providers;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** Assembles the command tree, wires error handling once, and runs one invocation. */
public final class Kiln {

    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    public static final int INTERRUPTED = 130;

    /** The built-in commands, in the order help lists them. */
    private static final Map<String, Supplier<Object>> COMMANDS = commands();

    /** Commands that read or write disk images, and so need the native helpers. */
    private static final Set<String> DISK_COMMANDS = Set.of("build", "convert", "push", "publish", "run");

    /** Commands that read or write the image cache, and may pull from a registry. */
    private static final Set<String> CACHE_COMMANDS = Set.of("build", "cache");

    /** Commands whose subcommands are the installed providers. */
    private static final Set<String> PROVIDER_COMMANDS = Set.of("push", "run", "ls", "rm");

    private Kiln() {
    }

    public static int execute(String[] args, Session session) {
        return commandLine(session, Providers::installed, args).execute(args);
    }

    /** The whole tree: every command and every installed provider (help, completion, the README). */
    static CommandLine commandLine(Session session, List<ProviderFactory> providers) {
        return commandLine(session, () -> providers, new String[0]);
    }

    /**
     * The tree one invocation needs. picocli models a command by reflection, and modelling all of
     * them costs more than converting a small image, so when the arguments name a command only that
     * command is modelled (under push and run, only the named provider) and providers are looked up
     * only by the commands that use them. Arguments that name no command get the whole tree, so
     * help, suggestions and usage errors are those of the whole tool.
     */
    static CommandLine commandLine(Session session, Supplier<List<ProviderFactory>> providers, String[] args) {
        KilnCommand root = new KilnCommand(session, providers);
        CommandLine cli = new CommandLine(root);
        List<String> words = words(cli.getCommandSpec(), args);
        String named = words.isEmpty() || !COMMANDS.containsKey(words.get(0)) ? null : words.get(0);
        if (named != null && DISK_COMMANDS.contains(named)) {
            preloadDiskNatives();
        }
        if (named != null && CACHE_COMMANDS.contains(named)) {
            preload("kiln-preload-cache", CachedImageStore::preload);
        }
        boolean versionOnly = named == null && words.isEmpty() && versionAsked(args);
        COMMANDS.forEach((name, command) -> {
            if (!versionOnly && (named == null || named.equals(name))) {
                cli.addSubcommand(name, command.get());
            }
        });
        CommandLine cache = cli.getSubcommands().get("cache");
        if (cache != null) {
            String sub = named != null && words.size() > 1 && CacheCommand.SUBCOMMANDS.containsKey(words.get(1))
                    ? words.get(1) : null;
            CacheCommand.SUBCOMMANDS.forEach((name, command) -> {
                if (sub == null || sub.equals(name)) {
                    cache.addSubcommand(name, command.get());
                }
            });
        }
        if (!versionOnly && (named == null || PROVIDER_COMMANDS.contains(named))) {
            addProviders(cli, session, root.providers(), words.size() > 1 ? words.get(1) : null);
        }
        HelpSections.apply(cli);
        cli.setOut(session.out());
        cli.setErr(session.err());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler(new ShortUsageErrors());
        cli.setExecutionExceptionHandler(new OperatorErrors(session));
        cli.setExitCodeExceptionMapper(t -> t instanceof KilnException k && k.isUsage() ? USAGE : FAILURE);
        return cli;
    }

    /** {@code kiln --version} (or {@code -V}) alone needs no command and no provider modelled. */
    private static boolean versionAsked(String[] args) {
        List<String> all = List.of(args);
        return (all.contains("--version") || all.contains("-V")) && !all.contains("--help") && !all.contains("-h");
    }

    /** Loads the disk natives on the second core while picocli models the command on this one. */
    private static void preloadDiskNatives() {
        preload("kiln-preload", DiskImages::preload);
    }

    private static void preload(String name, Runnable work) {
        Thread loader = new Thread(work, name);
        loader.setDaemon(true);
        loader.start();
    }

    /**
     * Adds {@code kiln push NAME}, {@code kiln run NAME}, {@code kiln ls NAME} and {@code kiln rm NAME}: only
     * {@code named} when it is installed. ls and rm take every provider, so one that cannot list says which can.
     */
    private static void addProviders(CommandLine cli, Session session, List<ProviderFactory> providers, String named) {
        boolean known = providers.stream().anyMatch(f -> f.name().equals(named));
        CommandLine push = cli.getSubcommands().get("push");
        CommandLine run = cli.getSubcommands().get("run");
        CommandLine ls = cli.getSubcommands().get("ls");
        CommandLine rm = cli.getSubcommands().get("rm");
        for (ProviderFactory factory : providers) {
            if (known && !factory.name().equals(named)) {
                continue;
            }
            if (push != null && factory.canPush()) {
                push.addSubcommand(factory.name(), new CommandLine(ProviderCommand.push(session, factory)));
            }
            if (run != null && factory.canRun()) {
                run.addSubcommand(factory.name(), new CommandLine(ProviderCommand.run(session, factory)));
            }
            if (ls != null) {
                ls.addSubcommand(factory.name(), new CommandLine(InventoryCommand.ls(session, factory)));
            }
            if (rm != null) {
                rm.addSubcommand(factory.name(), new CommandLine(InventoryCommand.rm(session, factory)));
            }
        }
    }

    /** The first two words of the arguments that are neither options nor the values of the root's options. */
    static List<String> words(CommandSpec root, String[] args) {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < args.length && words.size() < 2; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                break;
            }
            if (arg.startsWith("-") && arg.length() > 1) {
                OptionSpec option = root.findOption(arg);
                if (option != null && option.arity().max() > 0) {
                    i++;
                }
            } else {
                words.add(arg);
            }
        }
        return words;
    }

    private static Map<String, Supplier<Object>> commands() {
        Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
        commands.put("build", BuildCommand::new);
        commands.put("push", PushCommand::new);
        commands.put("run", RunCommand::new);
        commands.put("ls", LsCommand::new);
        commands.put("rm", RmCommand::new);
        commands.put("publish", PublishCommand::create);
        commands.put("results", ResultsCommand::new);
        commands.put("providers", ProvidersCommand::new);
        commands.put("formats", FormatsCommand::new);
        commands.put("convert", ConvertCommand::new);
        commands.put("cache", CacheCommand::new);
        commands.put("serve", ServeCommand::new);
        commands.put("version", VersionCommand::new);
        commands.put("completion", CompletionCommand::new);
        return commands;
    }

    /** The root command's user object, from any command spec in the tree. */
    static KilnCommand root(CommandSpec spec) {
        return (KilnCommand) spec.root().userObject();
    }
}
