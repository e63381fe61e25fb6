package dev.kiln.aws;

import dev.kiln.api.DiskRequest;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.Lifecycle;
import dev.kiln.spi.OptionSpec;
import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.RunSupport;

import java.util.List;
import java.util.Set;

/**
 * Amazon EC2: {@code push aws} makes an AMI from a disk image (EBS direct by default) and
 * {@code run aws} starts an instance of one. Cheap to load: no SDK class is touched until
 * {@link #create}.
 */
public final class AwsProviderFactory implements ProviderFactory {

    @Override
    public String name() {
        return "aws";
    }

    @Override
    public String summary() {
        return "Amazon EC2 images (AMIs) through EBS direct or S3 import, and instances";
    }

    @Override
    public String runImage() {
        return "an AMI id (ami-...) or name in the region, as 'kiln push aws' made it";
    }

    @Override
    public Set<ImageFormat> accepts() {
        return DiskFiles.ACCEPTS;
    }

    @Override
    public List<OptionSpec> pushOptions() {
        return AwsOptions.push();
    }

    @Override
    public List<OptionSpec> runOptions() {
        return AwsOptions.run();
    }

    @Override
    public boolean canList() {
        return true;
    }

    /** --region, --profile, the endpoints and --poll-interval as push and run take them, and rm's --wait-timeout. */
    @Override
    public List<OptionSpec> inventoryOptions() {
        return AwsOptions.inventory();
    }

    /** 16 KiB of userdata; --disk size (required), type, iops, device; --wait none, running (default), stopped. */
    @Override
    public RunSupport runSupport() {
        return RunSupport.NONE.withUserdata(RunSettings.USERDATA_LIMIT, RunSettings.USERDATA_RULE)
                .withDisks(true, DiskRequest.SIZE, DiskRequest.TYPE, DiskRequest.IOPS, DiskRequest.DEVICE)
                .withWaits(Lifecycle.Wait.NONE, Lifecycle.Wait.RUNNING, Lifecycle.Wait.STOPPED);
    }

    @Override
    public Provider create(ProviderContext context) {
        return new AwsProvider(context);
    }
}
