package dev.kiln.aws;

import dev.kiln.testkit.FakeTime;
import dev.kiln.api.ImageFormat;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.PushRequest;
import dev.kiln.testkit.ProviderHarness;
import dev.kiln.testkit.ProviderTck;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The provider TCK against {@link Ec2World}: EC2, STS and EBS direct with real state, faults and a mutation log. */
class AwsProviderTckTest extends ProviderTck {

    static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYTCKSECRET";

    @Override
    protected ProviderFactory factory() {
        return new AwsProviderFactory();
    }

    @Override
    protected StandIn newStandIn() {
        return new World(new Ec2World());
    }

    @Override
    protected PushRequest pushRequest(Path dir, String name, String digest) throws Exception {
        Path disk = ProviderHarness.sampleDisk(dir, name, 16L << 20);
        return new PushRequest(dev.kiln.api.Artifact.single(ImageFormat.AWS, disk), name, dev.kiln.api.Architecture.AMD64,
                Set.of(dev.kiln.api.BootMode.BIOS, dev.kiln.api.BootMode.UEFI), digest, dev.kiln.api.PublishPolicy.DEFAULT,
                false);
    }

    /** The stand-in: one {@link Ec2World} for every service, static example keys, fast polls. */
    record World(Ec2World world) implements StateStandIn {

        @Override
        public ProviderTck.CloudState state() {
            return world;
        }

        @Override
        public ProviderHarness harness(Path workDir) {
            FakeTime time = new FakeTime();
            return new ProviderHarness(new AwsProviderFactory(), workDir).clock(time).sleeper(time.sleeper())
                    .env("AWS_ACCESS_KEY_ID", "AKIDTCKEXAMPLE").env("AWS_SECRET_ACCESS_KEY", SECRET)
                    .env("AWS_EC2_METADATA_DISABLED", "true").env("AWS_REGION", "eu-west-1")
                    .env("AWS_CONFIG_FILE", workDir.resolve("no-config").toString())
                    .env("AWS_SHARED_CREDENTIALS_FILE", workDir.resolve("no-credentials").toString())
                    .flag("endpoint-url", world.url()).flag("poll-interval", "10ms").flag("workers", "2");
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
}
