package dev.kiln.disk;

import dev.kiln.api.KilnException;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The disk containers kiln writes natively, by the id users type ({@code kiln convert -f ID}). */
public enum DiskFormat {
    /** The bytes of the disk, sparse where they are zero. */
    RAW("raw"),
    /** qcow2 version 3, 64 KiB clusters; qemu/KVM and OpenStack. */
    QCOW2("qcow2"),
    /** Fixed VHD of N MiB + a 512-byte footer, as Azure takes it. */
    VHD("vhd"),
    /** Dynamic (sparse) VHD with 2 MiB blocks; Hyper-V. */
    DYNAMIC_VHD("dynamic-vhd"),
    /** streamOptimized VMDK (VMDK 5.0 technote); vSphere and AWS VM Import. */
    VMDK("vmdk"),
    /** OVF 1.0 descriptor, SHA-256 manifest and a streamOptimized VMDK in a tar; vSphere. */
    OVA("ova"),
    /** {@code disk.raw} in a GNU oldgnu sparse tar, gzip-compressed; GCE images. */
    GCP_TAR_GZ("gcp");

    private final String id;

    DiskFormat(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** The format called {@code id}, or a usage error listing the known ids. */
    public static DiskFormat of(String id) {
        for (DiskFormat f : values()) {
            if (f.id.equals(id)) {
                return f;
            }
        }
        throw KilnException.usage("Unknown disk format '" + id + "'; choose one of: " + ids());
    }

    public static String ids() {
        return Arrays.stream(values()).map(DiskFormat::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }
}
