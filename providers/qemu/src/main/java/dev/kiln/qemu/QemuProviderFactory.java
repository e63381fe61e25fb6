package dev.kiln.qemu;

import dev.kiln.build.Format;
import dev.kiln.spi.OptionSpec;
import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.ProviderFactory;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The local provider: {@code kiln run qemu IMAGE} boots a build output on this machine. It cannot
 * push. Cheap to load: nothing is checked until a run starts.
 */
public final class QemuProviderFactory implements ProviderFactory {

    /** Every output qemu boots as it is; tar, tar-kernel-initrd, gcp and ova need unpacking first. */
    private static final Set<Format> BOOTS = EnumSet.of(Format.KERNEL_INITRD, Format.RAW_EFI, Format.RAW_BIOS,
            Format.ISO_EFI, Format.ISO_EFI_INITRD, Format.ISO_BIOS, Format.QCOW2_EFI, Format.QCOW2_BIOS, Format.AWS,
            Format.VHD, Format.DYNAMIC_VHD, Format.VMDK);

    @Override
    public String name() {
        return "qemu";
    }

    @Override
    public String summary() {
        return "boot kernel+initrd, ISO, raw, qcow2, VHD or VMDK images here; serial console on this terminal";
    }

    /** What {@code run} boots (qemu publishes nothing, so this is not a push list). */
    @Override
    public Set<Format> accepts() {
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
    public boolean canPush() {
        return false;
    }

    @Override
    public Provider create(ProviderContext context) {
        return new QemuProvider(context, Path.of("/"), System.console() != null);
    }
}
