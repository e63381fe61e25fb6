package dev.kiln.aws;

import dev.kiln.testkit.FakeTime;
import dev.kiln.testkit.ProviderHarness;
import dev.kiln.testkit.ProviderTck;
import dev.kiln.testkit.StandInSetup;

import java.nio.file.Path;
import java.util.Set;

/**
 * AWS as the TCK and the CLI's publish tests see it: one {@link Ec2World} for every service, static example keys,
 * fast polls. Public, and free of the provider's own classes but in {@link #harness}, so a CLI test can point the
 * installed provider at it.
 */
public final class AwsStandIn implements ProviderTck.StateStandIn {

    static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYTCKSECRET";

    private final Ec2World world;

    public AwsStandIn() {
        this(new Ec2World());
    }

    AwsStandIn(Ec2World world) {
        this.world = world;
    }

    @Override
    public ProviderTck.CloudState state() {
        return world;
    }

    /** The environment and push flags that point the aws provider here, with {@code workDir} for its config files. */
    public StandInSetup setup(Path workDir) {
        return StandInSetup.create()
                .env("AWS_ACCESS_KEY_ID", "AKIDTCKEXAMPLE").env("AWS_SECRET_ACCESS_KEY", SECRET)
                .env("AWS_EC2_METADATA_DISABLED", "true").env("AWS_REGION", "eu-west-1")
                .env("AWS_CONFIG_FILE", workDir.resolve("no-config").toString())
                .env("AWS_SHARED_CREDENTIALS_FILE", workDir.resolve("no-credentials").toString())
                .flag("endpoint-url", world.url()).flag("poll-interval", "10ms").flag("workers", "2");
    }

    @Override
    public ProviderHarness harness(Path workDir) {
        FakeTime time = new FakeTime();
        return setup(workDir).harness(new AwsProviderFactory(), workDir).clock(time).sleeper(time.sleeper());
    }

    @Override
    public Set<String> secrets() {
        return Set.of(SECRET);
    }

    @Override
    public void close() {
        world.close();
    }
}
