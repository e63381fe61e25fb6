package dev.kiln.gcp;

import dev.kiln.build.Format;
import dev.kiln.spi.OptionSpec;
import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.ProviderFactory;

import java.util.List;
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
    public Set<Format> accepts() {
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
    public Provider create(ProviderContext context) {
        return new GcpProvider(context, Sleeper.REAL, Backoff.DEFAULT);
    }
}
