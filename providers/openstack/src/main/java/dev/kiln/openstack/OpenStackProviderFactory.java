package dev.kiln.openstack;

import dev.kiln.api.ImageFormat;
import dev.kiln.api.Lifecycle;
import dev.kiln.spi.OptionSpec;
import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.RunSupport;

import java.util.List;
import java.util.Set;

/** {@code kiln push openstack} and {@code kiln run openstack}: Keystone v3, Glance v2, Nova. */
public final class OpenStackProviderFactory implements ProviderFactory {

    @Override
    public String name() {
        return "openstack";
    }

    @Override
    public String summary() {
        return "OpenStack: upload to Glance (streamed, hash-checked), start Nova servers";
    }

    @Override
    public String runImage() {
        return "a Glance image id or name, or a local image file or build (pushed first, found again by its digest)";
    }

    @Override
    public boolean runPushesLocalImages() {
        return true;
    }

    @Override
    public Set<ImageFormat> accepts() {
        return GlanceImageFile.ACCEPTED;
    }

    @Override
    public List<OptionSpec> pushOptions() {
        return OpenStackFlags.push();
    }

    @Override
    public List<OptionSpec> runOptions() {
        return OpenStackFlags.run();
    }

    @Override
    public boolean canList() {
        return true;
    }

    /** --os-cloud, --region, --interface, --insecure and --cacert, as push and run take them. */
    @Override
    public List<OptionSpec> inventoryOptions() {
        return OpenStackFlags.inventory();
    }

    /** Nova's user_data is base64 of at most 65535 bytes (compute API reference, "Create Server"). */
    @Override
    public RunSupport runSupport() {
        return RunSupport.NONE.withUserdata(65535, "Nova takes at most 65535 bytes of user_data")
                .withDisks(true, "size", "type")
                .withWaits(Lifecycle.Wait.NONE, Lifecycle.Wait.RUNNING);
    }

    @Override
    public Provider create(ProviderContext context) {
        return new OpenStackProvider(context);
    }
}
