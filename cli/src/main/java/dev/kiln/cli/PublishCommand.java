package dev.kiln.cli;

import dev.kiln.api.Architecture;
import dev.kiln.api.CancelToken;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.spi.OptionSpec;
import dev.kiln.spi.Options;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.PushRequest;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "publish", mixinStandardHelpOptions = true,
        header = "Publish one build on many clouds and regions in one idempotent command.",
        description = {"Pushes IMAGE (a file, a build record or a build folder: each provider",
                "takes the output it prefers) to every target of TARGETS, a YAML or JSON file:",
                "",
                "  targets:",
                "    - provider: aws",
                "      regions: [eu-west-1, us-east-1]",
                "      options: {workers: 8}",
                "    - provider: gcp",
                "      options: {project: my-project, bucket: my-images}",
                "",
                "options are the provider's own push flags without dashes ('kiln push aws",
                "--help' lists them); regions (or location) fill its region or location",
                "flag, one push each. Credentials come from the environment as for push.",
                "Targets run in parallel, each idempotent by content digest: run a failed",
                "pipeline again and what exists is reported as existed, not uploaded. A",
                "target that fails is cleaned up and reported, the others go on, and the",
                "command exits 1 at the end (at once with --fail-fast).",
                "",
                "  kiln publish targets.yaml build/ --tfvars kiln.auto.tfvars.json",
                ""},
        sortOptions = false,
        footer = {"", "The result is one kiln.dev/result/v1 document (command publish) with one entry per target;",
                "'kiln results merge' combines the results of separate jobs the same way."})
final class PublishCommand implements Callable<Integer> {

    static final int MAX_PARALLEL = 8;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TARGETS", description = "Targets file (YAML or JSON) with a 'targets:' list.")
    Path targetsFile;

    @Parameters(index = "1", arity = "0..1", paramLabel = "IMAGE|BUILD-DIR", defaultValue = ".",
            description = "What to publish: an image file, a build record (NAME.kiln.json), a build's name or its "
                    + "folder (default: the current folder).")
    String image;

    @Option(names = "--name", paramLabel = "NAME", description = "Image name on every target (default: the build's).")
    String name;

    @Option(names = "--arch", paramLabel = "amd64|arm64", defaultValue = "amd64",
            description = "Architecture of the image (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--dry-run", description = "Check every target and print the plan; upload nothing.")
    boolean dryRun;

    @Option(names = "--parallel", paramLabel = "N", description = "Targets pushed at once (default: the number of "
            + "targets, at most " + MAX_PARALLEL + "; env KILN_PARALLEL).")
    Integer parallel;

    @Option(names = "--fail-fast", description = "Stop the other targets (cleaning up what they made) at the first failure.")
    boolean failFast;

    @Option(names = "--only", paramLabel = "TARGET|INDEX", split = ",", description = "Publish only these targets: "
            + "names as the result gives them (aws/eu-west-1, gcp) or 0-based positions after regions are expanded, "
            + "as a CI matrix or an indexed Kubernetes Job picks one each (repeatable).")
    List<String> only;

    @Option(names = "--packer-manifest", paramLabel = "FILE",
            description = "Also append the targets' images to FILE in packer-manifest.json's shape.")
    Path packerManifest;

    @Option(names = "--tfvars", paramLabel = "FILE", description = "Also write FILE (e.g. kiln.auto.tfvars.json): one "
            + "Terraform variable per target (kiln_image_aws_eu_west_1) and the map kiln_images.")
    Path tfvars;

    /** The command with push's shared flags (--if-exists, --public, --share-with, --description, --tag) added. */
    static CommandLine create() {
        CommandSpec spec = CommandSpec.forAnnotatedObject(new PublishCommand());
        for (OptionSpec o : SharedFlags.PUSH) {
            spec.addOption(ProviderCommand.toPicocli(o, ProviderCommand.help(o)));
        }
        return new CommandLine(spec);
    }

    @Override
    public Integer call() throws Exception {
        KilnCommand root = Kiln.root(spec);
        Session session = root.session();
        ParseResult parsed = spec.commandLine().getParseResult();
        Options common = Options.resolve(SharedFlags.PUSH, ProviderCommand.given(parsed, SharedFlags.PUSH), session.env());
        List<PublishJob> jobs = select(plan(root, PublishTargets.read(targetsFile), common));
        int workers = Math.min(parallelism(session, jobs.size()), jobs.size());
        Events events = root.events("publish");
        events.info((dryRun ? "planning " : "publishing on ") + jobs.size() + " target" + (jobs.size() == 1 ? "" : "s")
                + (workers > 1 ? ", " + workers + " at a time" : ""));
        CancelToken publish = CancelToken.create();
        try (CancelToken.Registration ignored = session.interrupts().token().onCancel(publish::cancel)) {
            List<PublishJob.Outcome> outcomes = new PublishRun(jobs, workers, failFast, publish).run();
            root.renderer().close();
            Map<String, Object> doc = Results.publishDocument(outcomes);
            PipelineFiles.write(doc, tfvars, packerManifest, dryRun, session);
            root.results().document(doc, PublishSummary.table(doc));
            if (session.interrupts().signalled()) {
                return Kiln.INTERRUPTED;
            }
            return outcomes.stream().anyMatch(PublishJob.Outcome::failed) ? Kiln.FAILURE : Kiln.OK;
        }
    }

    /** The targets --only names, in the file's order; all when it is not given. */
    private List<PublishJob> select(List<PublishJob> all) {
        if (only == null || only.isEmpty()) {
            return all;
        }
        List<String> labels = all.stream().map(j -> j.label).toList();
        Set<PublishJob> chosen = new java.util.LinkedHashSet<>();
        for (String wanted : only) {
            int index = wanted.matches("\\d+") ? Integer.parseInt(wanted) : labels.indexOf(wanted);
            if (index < 0 || index >= all.size()) {
                throw KilnException.usage("--only " + wanted + " names no target of " + targetsFile + "; it has "
                        + all.size() + ": " + String.join(", ", labels) + " (or their positions 0-" + (all.size() - 1) + ")");
            }
            chosen.add(all.get(index));
        }
        return all.stream().filter(chosen::contains).toList();
    }

    private int parallelism(Session session, int targets) {
        Integer n = parallel;
        String env = session.env().get("KILN_PARALLEL");
        if (n == null && env != null && !env.isBlank()) {
            try {
                n = Integer.parseInt(env.trim());
            } catch (NumberFormatException e) {
                throw KilnException.usage("KILN_PARALLEL must be a number, not '" + env + "'");
            }
        }
        if (n != null && n < 1) {
            throw KilnException.usage("--parallel must be at least 1, not " + n);
        }
        return Math.min(n == null ? targets : n, MAX_PARALLEL);
    }

    /**
     * Every target checked before anything runs: the provider is installed and pushes, every option is one of its
     * flags and resolves, and the image holds an output it takes. A mistake in any is a usage error, and nothing ran.
     */
    private List<PublishJob> plan(KilnCommand root, List<PublishTargets.Target> targets, Options common) {
        Map<String, ProviderFactory> installed = new LinkedHashMap<>();
        root.providers().stream().filter(ProviderFactory::canPush).forEach(f -> installed.put(f.name(), f));
        Map<String, PushRequest> requests = new LinkedHashMap<>();
        List<PublishJob> jobs = new ArrayList<>();
        Set<String> labels = new java.util.HashSet<>();
        for (PublishTargets.Target t : targets) {
            ProviderFactory factory = installed.get(t.provider());
            if (factory == null) {
                throw KilnException.usage(t.at() + ": no provider '" + t.provider() + "' that pushes is installed; "
                        + "installed: " + String.join(", ", installed.keySet()));
            }
            Optional<String> locationFlag = factory.locationOption();
            checkOptions(t, factory, locationFlag);
            PushRequest request = requests.computeIfAbsent(factory.name(), n -> ImageFiles.describe(image, name,
                    Architecture.of(arch), dryRun, factory, root.events(n)).withPolicy(SharedFlags.policy(common)));
            List<String> locations = t.locations().isEmpty() ? java.util.Collections.singletonList(null) : t.locations();
            for (String location : locations) {
                Map<String, List<String>> flags = new LinkedHashMap<>(t.options());
                if (location != null) {
                    flags.put(locationFlag.orElseThrow(), List.of(location));
                }
                Options options = Options.resolve(factory.pushOptions(), flags, root.session().env());
                String label = location == null ? factory.name() : factory.name() + "/" + location;
                if (!labels.add(label)) {
                    throw KilnException.usage(t.at() + ": the target " + label + " is listed twice");
                }
                jobs.add(new PublishJob(label, factory, location, options, request, root));
            }
        }
        return jobs;
    }

    private static void checkOptions(PublishTargets.Target t, ProviderFactory factory, Optional<String> locationFlag) {
        List<String> known = factory.pushOptions().stream().map(OptionSpec::name).toList();
        for (String key : t.options().keySet()) {
            if (SharedFlags.PUSH.stream().anyMatch(o -> o.name().equals(key)) || key.equals("name")) {
                throw KilnException.usage(t.at() + ": '" + key + "' is one of publish's own flags; pass --" + key
                        + " on the command line for all targets");
            }
            if (!known.contains(key)) {
                throw KilnException.usage(t.at() + ": " + factory.name() + " has no push option '" + key + "'; it has: "
                        + String.join(", ", known.stream().sorted().toList()));
            }
        }
        if (!t.locations().isEmpty() && locationFlag.isEmpty()) {
            throw KilnException.usage(t.at() + ": " + factory.name() + " publishes to one place and takes no "
                    + "regions or location; leave them out");
        }
        if (!t.locations().isEmpty() && t.options().containsKey(locationFlag.get())) {
            throw KilnException.usage(t.at() + ": give the " + locationFlag.get() + " in 'regions' or in 'options', "
                    + "not both");
        }
    }
}
