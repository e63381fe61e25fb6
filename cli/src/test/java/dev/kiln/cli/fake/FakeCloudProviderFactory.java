package dev.kiln.cli.fake;

import dev.kiln.api.ImageFormat;
import dev.kiln.api.Lifecycle;
import dev.kiln.spi.RunSupport;
import dev.kiln.api.KilnException;
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

    @Override
    public boolean runPushesLocalImages() {
        return true;
    }

    @Override
    public Provider create(ProviderContext context) {
        return new Provider() {
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
                        .build();
            }
        };
    }
}
