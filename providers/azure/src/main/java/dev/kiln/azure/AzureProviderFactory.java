package dev.kiln.azure;

import dev.kiln.api.ImageFormat;
import dev.kiln.spi.OptionSpec;
import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.ProviderFactory;

import java.util.List;
import java.util.Set;

/** {@code push azure}: a managed disk filled by direct upload, then a gallery version or a managed image. */
public final class AzureProviderFactory implements ProviderFactory {

    @Override
    public String name() {
        return "azure";
    }

    @Override
    public String summary() {
        return "Azure managed disks by direct upload, then Compute Gallery versions or managed images";
    }

    @Override
    public Set<ImageFormat> accepts() {
        return AzureDisk.ACCEPTS;
    }

    @Override
    public List<OptionSpec> pushOptions() {
        return AzureOptions.push();
    }

    @Override
    public List<OptionSpec> runOptions() {
        return List.of();
    }

    /** run azure is not built yet (issue 14, part 3). */
    @Override
    public boolean canRun() {
        return false;
    }

    @Override
    public Provider create(ProviderContext context) {
        return new AzureProvider(context);
    }
}
