package dev.kiln.cli.fake;

import dev.kiln.api.ImageFormat;
import dev.kiln.api.Lifecycle;
import dev.kiln.spi.RunSupport;
import dev.kiln.api.KilnException;
import dev.kiln.spi.Made;
import dev.kiln.spi.OptionSpec;
import dev.kiln.spi.Options;
import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.spi.Resource;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.RunResult;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A provider that exists only on the test class path: it proves that a provider module adds
 * {@code kiln push NAME} and {@code kiln run NAME} without any change to the CLI.
 */
public final class FakeCloudProviderFactory implements ProviderFactory {

    @Override
    public String name() {
        return "fakecloud";
    }

    @Override
    public String summary() {
        return "a test-only cloud that records what it was asked";
    }

    @Override
    public Set<ImageFormat> accepts() {
        return ImageFormat.preferred(ImageFormat.AWS, ImageFormat.RAW_EFI, ImageFormat.KERNEL_INITRD);
    }

    @Override
    public RunSupport runSupport() {
        return RunSupport.NONE.withUserdata(10, "the fake cloud's metadata holds 10 bytes")
                .withDisks(true, "size", "type").withWaits(Lifecycle.Wait.RUNNING, Lifecycle.Wait.STOPPED);
    }

    @Override
    public List<OptionSpec> pushOptions() {
        return List.of(
                OptionSpec.string("region", "REGION", "Region to publish in.").env("FAKE_REGION").defaultValue("local-1"),
                OptionSpec.string("token", "TOKEN", "API token for the fake cloud.").env("FAKE_TOKEN").asSecret(),
                OptionSpec.flag("fail", "Fail half-way, to test error handling."));
    }

    @Override
    public List<OptionSpec> runOptions() {
        return List.of(OptionSpec.integer("cpus", "N", "Number of virtual CPUs.").defaultValue("1"),
                OptionSpec.integer("guest-exit", "CODE", "Exit status the fake guest reports."));
    }

    /** Called with each id at the start of a remove: a test's Ctrl-C comes from here. */
    public static volatile Consumer<String> removing = id -> { };

    @Override
    public boolean canList() {
        return true;
    }

    /**
     * {@code kiln ls fakecloud} and {@code kiln rm fakecloud} read and change an inventory file, one thing a line:
     * {@code KIND ID NAME BYKILN PART,PART} (NAME - for none; BYKILN kiln or other). Removing an id that starts
     * with {@code fail-} fails.
     */
    @Override
    public List<OptionSpec> inventoryOptions() {
        return List.of(
                OptionSpec.string("region", "REGION", "Region to look in.").env("FAKE_REGION").defaultValue("local-1"),
                OptionSpec.path("inventory", "FILE", "What the fake cloud holds, one thing a line.").env("FAKE_INVENTORY"));
    }

    @Override
    public boolean runPushesLocalImages() {
        return true;
    }

    @Override
    public Provider create(ProviderContext context) {
        return new Provider() {
            @Override
            public List<Made> list(Made.Kind kind) throws InterruptedException {
                context.cancel().throwIfCancelled();
                return inventory().stream().filter(m -> m.kind() == kind && m.byKiln()).toList();
            }

            @Override
            public List<Made> find(String idOrName) {
                List<Made> byId = inventory().stream().filter(m -> m.id().equals(idOrName)).toList();
                return !byId.isEmpty() ? byId : inventory().stream().filter(m -> m.byKiln() && m.name().equals(idOrName))
                        .toList();
            }

            @Override
            public List<Resource> remove(Made made) throws InterruptedException {
                removing.accept(made.id());
                context.cancel().throwIfCancelled();
                if (made.id().startsWith("fail-")) {
                    throw KilnException.tried("remove " + made, "the fake cloud said no", "remove it by hand");
                }
                List<String> lines = lines();
                List<String> kept = lines.stream().filter(l -> !l.split(" ")[1].equals(made.id())).toList();
                if (kept.size() == lines.size()) {
                    return List.of();
                }
                write(kept);
                List<Resource> removed = new java.util.ArrayList<>(List.of(made.resource()));
                removed.addAll(made.parts());
                return removed;
            }

            private List<Made> inventory() {
                String region = context.options().require("region");
                return lines().stream().map(l -> {
                    String[] f = l.split(" ");
                    Made.Builder b = Made.builder(Made.Kind.valueOf(f[0].toUpperCase(java.util.Locale.ROOT)), f[1])
                            .name(f[2].equals("-") ? "" : f[2]).location(region).byKiln(f[3].equals("kiln"))
                            .created(java.time.Instant.parse("2026-01-01T00:00:00Z"));
                    if (f[0].equals("image")) {
                        b.digest("sha256:" + "0123456789abcdef".repeat(4));
                    } else {
                        b.state("running");
                    }
                    if (f.length > 4) {
                        for (String part : f[4].split(",")) {
                            String[] tp = part.split(":");
                            b.part(Resource.of(tp[0], tp[1], region));
                        }
                    }
                    return b.build();
                }).toList();
            }

            private List<String> lines() {
                try {
                    return java.nio.file.Files.readAllLines(file()).stream().filter(l -> !l.isBlank()).toList();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }

            private void write(List<String> lines) {
                try {
                    java.nio.file.Files.write(file(), lines);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }

            private java.nio.file.Path file() {
                return context.options().path("inventory").orElseThrow(() -> KilnException.usage(
                        "pass --inventory or set FAKE_INVENTORY"));
            }

            @Override
            public PushResult push(PushRequest request) {
                Options o = context.options();
                String token = o.find("token").orElseThrow(() -> KilnException.tried("push to fakecloud",
                        "no token was given", "pass --token or set FAKE_TOKEN"));
                context.events().info("pushing " + request.image().getFileName() + " with token " + token.length()
                        + " chars");
                context.events().debug("options " + o);
                context.events().debug("work dir " + context.workDir());
                context.events().bytes("upload", 50, 100);
                context.events().bytes("upload", 100, 100);
                if (o.flag("fail")) {
                    throw KilnException.tried("register " + request.name(), "the fake cloud said no",
                            "removed snapshot snap-1");
                }
                Map<String, String> tags = new LinkedHashMap<>();
                tags.put("kiln:name", request.name());
                tags.put("kiln:digest", request.contentDigest());
                tags.putAll(request.policy().tags());
                tags.put("public", Boolean.toString(request.policy().isPublic()));
                tags.put("files", String.join(",", request.artifact().roles()));
                tags.put("if-exists", request.policy().ifExists().id());
                String region = o.require("region");
                if (request.dryRun()) {
                    // as a cloud does: a dry run registers nothing, so it has no image id
                    return PushResult.builder("fakecloud", request).outcome(PushResult.Outcome.DRY_RUN).tags(tags).build();
                }
                return PushResult.builder("fakecloud", request)
                        .outcome(request.dryRun() ? PushResult.Outcome.DRY_RUN : PushResult.Outcome.CREATED)
                        .image(region, "img-" + request.contentDigest().substring(7, 15))
                        .tags(tags).resource(Resource.of("snapshot", "snap-1", region)).build();
            }

            @Override
            public RunResult run(RunRequest request) {
                int cpus = context.options().integer("cpus").orElseThrow();
                return RunResult.builder("fakecloud", "i-" + request.name()).location("local-1").state("running")
                        .address("private_ipv4", "10.0.0." + cpus)
                        .address("userdata_bytes", String.valueOf(request.userdata().map(u -> u.size()).orElse(0)))
                        .address("disks", request.disks().stream().map(d -> d.sizeGiB().orElse(0) + "G:"
                                + d.type().orElse("-")).toList().toString())
                        .address("wait", String.valueOf(request.lifecycle().waitFor().orElse(null)))
                        .address("rm", String.valueOf(request.lifecycle().rm()))
                        .address("tags", String.valueOf(new java.util.TreeMap<>(request.tags())))
                        .exitCode(context.options().integer("guest-exit").orElse(null))
                        .created(Resource.of("instance", "i-" + request.name(), "local-1")).build();
            }

            @Override
            public RunResult run(RunRequest request, PushRequest image) {
                // what the CLI handed over, as a cloud would push it before it boots
                return RunResult.builder("fakecloud", "i-" + request.name()).location("local-1").state("running")
                        .address("pushed", image.format().id() + ":" + image.name() + ":" + image.contentDigest())
                        .address("pushed_arch", image.arch().toString()).build();
            }
        };
    }
}
