package dev.kiln.azure;

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
 * {@code push azure}: a managed disk filled by direct upload, then a gallery version or a managed image;
 * {@code run azure}: a VM from either, with userData, data disks, boot diagnostics and cascade delete.
 */
public final class AzureProviderFactory implements ProviderFactory {

    @Override
    public String name() {
        return "azure";
    }

    @Override
    public String summary() {
        return "Azure managed disks by direct upload, then Compute Gallery versions or managed images; VMs from them";
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
        return AzureOptions.run();
    }

    @Override
    public boolean canList() {
        return true;
    }

    /** Where ls and rm look (subscription, resource group, location) and how they sign in, as push and run take them. */
    @Override
    public List<OptionSpec> inventoryOptions() {
        return AzureOptions.connection();
    }

    /** userData (learn.microsoft.com/azure/virtual-machines/user-data), --disk size,type,name as dataDisks. */
    @Override
    public RunSupport runSupport() {
        return RunSupport.NONE.withUserdata(VmPlan.USERDATA_LIMIT, VmPlan.USERDATA_RULE)
                .withDisks(true, DiskRequest.SIZE, DiskRequest.TYPE, DiskRequest.NAME)
                .withWaits(Lifecycle.Wait.NONE, Lifecycle.Wait.RUNNING, Lifecycle.Wait.STOPPED);
    }

    @Override
    public Provider create(ProviderContext context) {
        return new AzureProvider(context);
    }
}
