package dev.kiln.boot;

import dev.kiln.boot.io.Content;
import dev.kiln.boot.part.Guids;
import dev.kiln.boot.uki.UnifiedKernelImage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;

/**
 * What every layout is made of, from one build's boot files: the kernel and initrd, the
 * command line, the unified kernel image, the ISOLINUX configuration, and identifiers derived
 * from the content digest.
 */
public final class BootPieces {

    /** Added sections start on this boundary, so ISO9660 records can point at the kernel and initrd inside. */
    static final int UKI_ALIGNMENT = 4096;

    private final BootFiles files;
    private final Bootloaders loaders;
    private final Content kernel;
    private final Content initrd;

    public BootPieces(BootFiles files, Bootloaders loaders) {
        this.files = files;
        this.loaders = loaders;
        try {
            this.kernel = Content.of(files.kernel());
            this.initrd = Content.of(files.initrd());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Bootloaders loaders() {
        return loaders;
    }

    public Content kernel() {
        return kernel;
    }

    public Content initrd() {
        return initrd;
    }

    public String cmdline() {
        return files.cmdline().strip();
    }

    public UnifiedKernelImage uki() {
        try {
            return UnifiedKernelImage.of(loaders.efiStub(), osRelease(), cmdline(), kernel, initrd, UKI_ALIGNMENT);
        } catch (dev.kiln.limits.FieldOverflowException e) {
            throw dev.kiln.api.KilnException.tried("make the unified kernel image " + EfiDisk.BOOT_PATH + " of "
                    + files.name(), e.getMessage(), "a PE image holds under 4 GiB: shrink the kernel and initrd, or"
                    + " build a BIOS image or kernel+initrd", e);
        }
    }

    /** ISOLINUX configuration: boot the kernel at once with the initrd and the command line. */
    public byte[] isolinuxConfig() {
        String cfg = "SERIAL 0 115200\nDEFAULT kiln\nPROMPT 0\nTIMEOUT 0\nLABEL kiln\n  KERNEL /kernel\n"
                + "  APPEND initrd=/initrd.img " + cmdline() + "\n";
        return cfg.getBytes(StandardCharsets.US_ASCII);
    }

    /** The os-release text for the UKI's {@code .osrel} section, which boot menus show. */
    String osRelease() {
        return "NAME=\"kiln\"\nID=kiln\nPRETTY_NAME=\"" + files.name() + " (kiln)\"\nIMAGE_ID=" + files.name()
                + "\nIMAGE_VERSION=" + shortDigest() + "\n";
    }

    public UUID guid(String purpose) {
        return Guids.derive(files.contentDigest(), purpose);
    }

    public int serial(String purpose) {
        return Guids.serial(files.contentDigest(), purpose);
    }

    /** ISO9660 volume identifier: KILN_ and the first 8 hex digits of the content digest. */
    public String volumeId() {
        return "KILN_" + shortDigest().toUpperCase(Locale.ROOT);
    }

    private String shortDigest() {
        String d = files.contentDigest();
        String hex = d.substring(d.indexOf(':') + 1);
        return hex.substring(0, Math.min(8, hex.length()));
    }
}
