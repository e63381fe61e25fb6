package dev.kiln.vcenter;

import dev.kiln.api.ImageFormat;
import dev.kiln.api.Lifecycle;
import dev.kiln.spi.RunSupport;
import dev.kiln.spi.OptionSpec;
import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.ProviderFactory;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** {@code kiln push vcenter}: an OVF template in a content library, or an ISO/VMDK on a datastore. */
public final class VcenterProviderFactory implements ProviderFactory {

    static final Set<ImageFormat> ACCEPTED = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(List.of(
            ImageFormat.OVA, ImageFormat.of("ovf"), ImageFormat.VMDK, ImageFormat.ISO_EFI, ImageFormat.ISO_BIOS,
            ImageFormat.ISO_EFI_INITRD)));

    @Override
    public String name() {
        return "vcenter";
    }

    @Override
    public String summary() {
        return "VMware vCenter: an OVF template in a content library (one transactional update session), "
                + "or an ISO/VMDK on a datastore";
    }

    @Override
    public Set<ImageFormat> accepts() {
        return ACCEPTED;
    }

    @Override
    public List<OptionSpec> pushOptions() {
        return VcenterFlags.push();
    }

    @Override
    public List<OptionSpec> runOptions() {
        return VcenterFlags.run();
    }

    @Override
    public boolean canList() {
        return true;
    }

    /** The connection flags and --datacenter (of the cidata ISOs kiln rm deletes). */
    @Override
    public List<OptionSpec> inventoryOptions() {
        return VcenterFlags.inventory();
    }

    /** guestinfo values live in the VM's .vmx; keep userdata well under its size limits. --disk: new VMDKs. */
    @Override
    public RunSupport runSupport() {
        return RunSupport.NONE.withUserdata(64 * 1024, "guestinfo.userdata is kept in the VM's .vmx file;"
                + " kiln takes at most 64 KiB")
                .withDisks(true, VmDevices.DISK_KEYS)
                .withWaits(Lifecycle.Wait.NONE, Lifecycle.Wait.RUNNING, Lifecycle.Wait.STOPPED);
    }

    @Override
    public Provider create(ProviderContext context) {
        return new VcenterProvider(context);
    }
}
