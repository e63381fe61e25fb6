package dev.kiln.aws;

import dev.kiln.api.ImageFormat;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.PushRequest;
import dev.kiln.testkit.ProviderHarness;
import dev.kiln.testkit.ProviderTck;

import java.nio.file.Path;
import java.util.Set;

/** The provider TCK against {@link Ec2World}: EC2, STS and EBS direct with real state, faults and a mutation log. */
class AwsProviderTckTest extends ProviderTck {

    @Override
    protected ProviderFactory factory() {
        return new AwsProviderFactory();
    }

    @Override
    protected StandIn newStandIn() {
        return new AwsStandIn();
    }

    @Override
    protected PushRequest pushRequest(Path dir, String name, String digest) throws Exception {
        Path disk = ProviderHarness.sampleDisk(dir, name, 16L << 20);
        return new PushRequest(dev.kiln.api.Artifact.single(ImageFormat.AWS, disk), name, dev.kiln.api.Architecture.AMD64,
                Set.of(dev.kiln.api.BootMode.BIOS, dev.kiln.api.BootMode.UEFI), digest, dev.kiln.api.PublishPolicy.DEFAULT,
                false);
    }
}
