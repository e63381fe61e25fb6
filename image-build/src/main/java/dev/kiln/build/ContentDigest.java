package dev.kiln.build;

import dev.kiln.core.Digests;
import dev.kiln.api.KilnException;
import dev.kiln.disk.BlockScanner;
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
 * Files that are a disk's raw bytes, usually sparse (raw-efi, raw-bios, aws, fixed vhd), are digested
 * by blocks so the cost follows the data, not the virtual size, and a sparse and a dense copy agree:
 * {@code blocks-sha256:} SHA-256 over, for every 64 KiB block holding a non-zero byte, its offset
 * (8 bytes, big-endian) then its bytes (a last partial block padded with zeros), then the file size
 * (8 bytes). Every other file: {@code sha256:} of its bytes, as sha256sum prints it.
 */
public final class ContentDigest {

    static final int BLOCK = 64 << 10;

    private static final Set<Format> RAW_DISKS = EnumSet.of(Format.RAW_EFI, Format.RAW_BIOS, Format.AWS, Format.VHD);

    private ContentDigest() {
    }

    public static String of(Path file, Format format) {
        return RAW_DISKS.contains(format) ? blocks(file) : "sha256:" + Digests.sha256Hex(file);
    }

    /** The hex digits of a digest, without its scheme ({@code sha256:} or {@code blocks-sha256:}). */
    public static String hex(String digest) {
        return digest.substring(digest.indexOf(':') + 1);
    }

    static String blocks(Path file) {
        try (RawDiskSource disk = new RawDiskSource(file)) {
            MessageDigest sha = Digests.sha256();
            ByteBuffer number = ByteBuffer.allocate(Long.BYTES);
            new BlockScanner(disk, BLOCK).blocks((offset, data) -> {
                sha.update(number.clear().putLong(offset).flip());
                sha.update(data);
            });
            sha.update(number.clear().putLong(disk.size()).flip());
            return "blocks-sha256:" + Digests.hex(sha.digest());
        } catch (IOException e) {
            throw KilnException.tried("digest " + file, String.valueOf(e.getMessage()), "check the file is readable", e);
        }
    }
}
