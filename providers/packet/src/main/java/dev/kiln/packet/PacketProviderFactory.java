package dev.kiln.packet;

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
 * {@code kiln push packet}: a build's kernel and initrd with an iPXE script that boots them, published to a
 * directory or an S3-compatible bucket, for Packet-API-compatible endpoints and any PXE fleet. Equinix Metal
 * (ex-Packet) shut down on 2026-06-30; {@code equinixmetal} is the same provider under LinuxKit's newer name.
 * Cheap to load: the S3 client is built only when a push goes to a bucket.
 */
public class PacketProviderFactory implements ProviderFactory {

    static final int USERDATA_LIMIT = 64 << 10;

    static final String SHUTDOWN = "Equinix Metal (ex-Packet) shut down on 2026-06-30; this publishes for "
            + "Packet-API-compatible endpoints and any iPXE/PXE fleet.";

    static final String NO_DISKS = "the Metal API has no attachable volumes since its block storage ended in 2021";

    @Override
    public String name() {
        return "packet";
    }

    @Override
    public String summary() {
        return "kernel, initrd and an EFI-safe iPXE script to a directory or S3-compatible bucket (Equinix Metal "
                + "shut down on 2026-06-30)";
    }

    @Override
    public String runImage() {
        return "the URL of an iPXE script, or with --serve a local NAME-equinixmetal.ipxe";
    }

    @Override
    public Set<ImageFormat> accepts() {
        return Set.of(ImageFormat.KERNEL_INITRD);
    }

    @Override
    public List<OptionSpec> pushOptions() {
        return PacketOptions.PUSH;
    }

    @Override
    public List<OptionSpec> runOptions() {
        return PacketOptions.RUN;
    }

    /**
     * Userdata as plain text (the bound is kiln's: the API documents none); no --disk, since the API has no
     * attachable volumes (block storage ended in 2021); --wait none or running (state active).
     */
    @Override
    public RunSupport runSupport() {
        return RunSupport.NONE.withUserdata(USERDATA_LIMIT, "64 KiB, kiln's bound (the Metal API documents none)")
                .withWaits(Lifecycle.Wait.NONE, Lifecycle.Wait.RUNNING).withoutDisks(NO_DISKS);
    }

    @Override
    public boolean canList() {
        return true;
    }

    /** Where push published (--destination and its store's flags) and where run created devices (--project). */
    @Override
    public List<OptionSpec> inventoryOptions() {
        return PacketOptions.INVENTORY;
    }

    @Override
    public Provider create(ProviderContext context) {
        return new PacketProvider(name(), context);
    }
}
