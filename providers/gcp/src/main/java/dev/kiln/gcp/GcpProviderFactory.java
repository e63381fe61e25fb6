package dev.kiln.gcp;

import dev.kiln.api.ImageFormat;
import dev.kiln.api.Lifecycle;
import dev.kiln.spi.OptionSpec;
import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.RunSupport;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code kiln push gcp} and {@code kiln run gcp}: Cloud Storage upload, images.insert, instances.insert. */
public final class GcpProviderFactory implements ProviderFactory {

    @Override
    public String name() {
        return "gcp";
    }

    @Override
    public String summary() {
        return "Google Compute Engine: upload to Cloud Storage, import as an image, start instances";
    }

    @Override
    public String runImage() {
        return "an image name in the project, family/FAMILY, or a projects/P/global/images/NAME path";
    }

    /** Images are global; what a publish target's regions choose is where the image is stored. */
    @Override
    public Optional<String> locationOption() {
        return Optional.of("storage-location");
    }

    @Override
    public Set<ImageFormat> accepts() {
        return GcpImageFile.ACCEPTED;
    }

    @Override
    public List<OptionSpec> pushOptions() {
        return GcpFlags.push();
    }

    @Override
    public List<OptionSpec> runOptions() {
        return GcpFlags.run();
    }

    @Override
    public boolean canList() {
        return true;
    }

    /** --keys, --project and the endpoints, as push and run take them. */
    @Override
    public List<OptionSpec> inventoryOptions() {
        return GcpFlags.common();
    }

    /** user-data metadata (cloud.google.com/compute/docs/metadata/setting-custom-metadata#limitations), --disk size,type. */
    @Override
    public RunSupport runSupport() {
        return RunSupport.NONE.withUserdata(256 * 1024, "GCE metadata values take at most 256 KiB")
                .withDisks(true, "size", "type")
                .withWaits(Lifecycle.Wait.NONE, Lifecycle.Wait.RUNNING, Lifecycle.Wait.STOPPED);
    }

    @Override
    public Provider create(ProviderContext context) {
        return new GcpProvider(context);
    }
}
