package dev.kiln.qemu;

import dev.kiln.api.ImageFormat;
import dev.kiln.api.Lifecycle;
import dev.kiln.spi.OptionSpec;
import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.RunSupport;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The local provider: {@code kiln run qemu IMAGE} boots a build output on this machine. It cannot
 * push. Cheap to load: nothing is checked until a run starts.
 */
public final class QemuProviderFactory implements ProviderFactory {

    /** Every output qemu boots as it is; tar, tar-kernel-initrd, gcp and ova need unpacking first. */
    private static final Set<ImageFormat> BOOTS = ImageFormat.preferred(ImageFormat.KERNEL_INITRD, ImageFormat.RAW_EFI,
            ImageFormat.RAW_BIOS, ImageFormat.ISO_EFI, ImageFormat.ISO_EFI_INITRD, ImageFormat.ISO_BIOS,
            ImageFormat.QCOW2_EFI, ImageFormat.QCOW2_BIOS, ImageFormat.AWS, ImageFormat.VHD, ImageFormat.DYNAMIC_VHD,
            ImageFormat.VMDK);

    /**
     * Userdata rides on the cidata seed CD, where ISO9660 would take gigabytes; the bound is kiln's, as the
     * CD is written from memory with the userdata on it twice (user-data and LinuxKit's config).
     */
    static final int USERDATA_LIMIT = 16 << 20;

    /**
     * What {@code run} takes: userdata on the seed CD; {@code --disk [file=]PATH[,size=S][,format=F]}; and
     * {@code --wait stopped} (the default: in the foreground until the guest powers off) or {@code --wait
     * running} (qemu goes to the background once the VM runs). {@code none} is not offered: qemu cannot be
     * left starting without kiln waiting for it to daemonize.
     */
    static final RunSupport RUN = RunSupport.NONE
            .withUserdata(USERDATA_LIMIT, "16 MiB on the cidata seed CD, which kiln writes from memory")
            .withDisks(false, DiskSpec.KEYS.toArray(String[]::new))
            .withWaits(Lifecycle.Wait.STOPPED, Lifecycle.Wait.RUNNING);

    @Override
    public String name() {
        return "qemu";
    }

    @Override
    public String summary() {
        return "boot kernel+initrd, ISO, raw, qcow2, VHD or VMDK images here; serial console on this terminal";
    }

    @Override
    public String runImage() {
        return "a local disk or ISO file, or the NAME of a kernel+initrd build (NAME-kernel, NAME-initrd.img)";
    }

    /** What {@code run} boots (qemu publishes nothing, so this is not a push list). */
    @Override
    public Set<ImageFormat> accepts() {
        return BOOTS;
    }

    @Override
    public List<OptionSpec> pushOptions() {
        return List.of();
    }

    @Override
    public List<OptionSpec> runOptions() {
        return QemuOptions.ALL;
    }

    @Override
    public RunSupport runSupport() {
        return RUN;
    }

    @Override
    public List<OptionSpec> inventoryOptions() {
        return QemuOptions.INVENTORY;
    }

    /** {@code kiln ls qemu} lists the VMs whose state kiln kept; qemu has no images to list. */
    @Override
    public boolean canList() {
        return true;
    }

    @Override
    public boolean canPush() {
        return false;
    }

    @Override
    public Provider create(ProviderContext context) {
        return new QemuProvider(context, Path.of("/"), System.console() != null);
    }
}
