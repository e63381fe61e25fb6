package dev.kiln.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A build output format by the id users type ({@code kiln build -f ID}): a value, not a closed list, so a
 * provider or a newer core can name a format this version does not know.
 */
public record ImageFormat(String id) implements Comparable<ImageFormat> {

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9+.-]*");

    public static final ImageFormat TAR = new ImageFormat("tar");
    public static final ImageFormat KERNEL_INITRD = new ImageFormat("kernel+initrd");
    public static final ImageFormat RAW_EFI = new ImageFormat("raw-efi");
    public static final ImageFormat RAW_BIOS = new ImageFormat("raw-bios");
    public static final ImageFormat ISO_EFI = new ImageFormat("iso-efi");
    public static final ImageFormat ISO_EFI_INITRD = new ImageFormat("iso-efi-initrd");
    public static final ImageFormat ISO_BIOS = new ImageFormat("iso-bios");
    public static final ImageFormat QCOW2_EFI = new ImageFormat("qcow2-efi");
    public static final ImageFormat QCOW2_BIOS = new ImageFormat("qcow2-bios");
    public static final ImageFormat AWS = new ImageFormat("aws");
    public static final ImageFormat GCP = new ImageFormat("gcp");
    public static final ImageFormat VHD = new ImageFormat("vhd");
    public static final ImageFormat DYNAMIC_VHD = new ImageFormat("dynamic-vhd");
    public static final ImageFormat VMDK = new ImageFormat("vmdk");
    public static final ImageFormat OVA = new ImageFormat("ova");
    /** A disk's bytes as they are, for conversions ({@code kiln convert -f raw}). */
    public static final ImageFormat RAW = new ImageFormat("raw");
    /** qcow2 of any disk, for conversions. */
    public static final ImageFormat QCOW2 = new ImageFormat("qcow2");

    public ImageFormat {
        Objects.requireNonNull(id, "id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("format ids are lower-case words such as raw-efi, not '" + id + "'");
        }
    }

    /**
     * What a provider accepts, most preferred first, in that order for good: an unmodifiable insertion-ordered set
     * ({@code Set.of} has no order, and push picks the first of a build's outputs in this order).
     */
    public static java.util.Set<ImageFormat> preferred(ImageFormat... formats) {
        return java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(java.util.List.of(formats)));
    }

    public static ImageFormat of(String id) {
        return new ImageFormat(id);
    }

    @Override
    public int compareTo(ImageFormat other) {
        return id.compareTo(other.id);
    }

    @Override
    public String toString() {
        return id;
    }
}
