package dev.kiln.build;

import dev.kiln.core.Digests;
import dev.kiln.api.KilnException;
import dev.kiln.disk.BlockScanner;
import dev.kiln.disk.DiskImages;
import dev.kiln.api.DiskSource;
import dev.kiln.disk.RawDiskSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.Set;

/**
 * The digest that identifies an image's content when it is published (the {@code kiln:digest} tag,
 * the {@code kiln-digest} label): a re-push of the same content finds the image made before.
 * Every disk format is digested over its virtual disk, read through kiln's readers, so raw, qcow2, VHD,
 * VMDK, OVA and the GCE tar.gz of one disk carry one digest whatever compressor wrote them, and the cost
 * follows the data, not the virtual size: {@code blocks-sha256:} SHA-256 over, for every 64 KiB block
 * holding a non-zero byte, its offset (8 bytes, big-endian) then its bytes (a last partial block padded
 * with zeros), then the virtual size (8 bytes). Other outputs (tar, kernel+initrd, ISO): {@code sha256:}
 * of their bytes, as sha256sum prints it.
 */
public final class ContentDigest {

    static final int BLOCK = 64 << 10;

    /** Files that hold the disk's bytes as they are: read as raw whatever their first bytes look like. */
    private static final Set<Format> RAW_DISKS = EnumSet.of(Format.RAW_EFI, Format.RAW_BIOS, Format.AWS);
    private static final Set<Format> CONTAINERS = EnumSet.of(Format.QCOW2_EFI, Format.QCOW2_BIOS, Format.GCP,
            Format.VHD, Format.DYNAMIC_VHD, Format.VMDK, Format.OVA);

    private ContentDigest() {
    }

    public static String of(Path file, Format format) {
        if (!RAW_DISKS.contains(format) && !CONTAINERS.contains(format)) {
            return "sha256:" + Digests.sha256Hex(file);
        }
        try (DiskSource disk = RAW_DISKS.contains(format) ? new RawDiskSource(file) : DiskImages.open(file)) {
            return blocks(disk);
        } catch (IOException e) {
            throw KilnException.tried("digest " + file, KilnException.reason(e), "check the file is readable", e);
        }
    }

    /** The hex digits of a digest, without its scheme ({@code sha256:} or {@code blocks-sha256:}). */
    public static String hex(String digest) {
        return digest.substring(digest.indexOf(':') + 1);
    }

    /** The {@code blocks-sha256:} digest of a virtual disk. */
    public static String blocks(DiskSource disk) throws IOException {
        MessageDigest sha = Digests.sha256();
        ByteBuffer number = ByteBuffer.allocate(Long.BYTES);
        new BlockScanner(disk, BLOCK).blocks((offset, data) -> {
            sha.update(number.clear().putLong(offset).flip());
            sha.update(data);
        });
        sha.update(number.clear().putLong(disk.size()).flip());
        return "blocks-sha256:" + Digests.hex(sha.digest());
    }
}
