package dev.kiln.azure;

import dev.kiln.api.Conversions;
import dev.kiln.api.DiskSource;
import dev.kiln.api.Events;
import dev.kiln.api.Extent;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.KilnException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The fixed VHD a managed disk is uploaded from (kiln's {@code -f vhd}: N MiB of data, then the 512-byte
 * {@code conectix} footer), and the pages of it that hold data. Other formats are written to a fixed VHD in the
 * command's scratch folder first (a sparse file: it costs what the data costs).
 *
 * @param file   the fixed VHD
 * @param size   its length, which is the disk's {@code uploadSizeBytes}
 * @param ranges 512-aligned ranges of at most {@link #MAX_PAGE} bytes that may hold data, the footer last
 */
record AzureDisk(Path file, long size, List<Extent> ranges) {

    /** Azure refuses a Put Page larger than 4 MiB. */
    static final int MAX_PAGE = 4 << 20;
    static final int SECTOR = 512;

    static final Set<ImageFormat> ACCEPTS = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(List.of(
            ImageFormat.VHD, ImageFormat.RAW_EFI, ImageFormat.RAW_BIOS, ImageFormat.RAW, ImageFormat.QCOW2_EFI,
            ImageFormat.QCOW2_BIOS, ImageFormat.QCOW2, ImageFormat.DYNAMIC_VHD, ImageFormat.VMDK)));

    static AzureDisk open(Conversions conversions, Path file, ImageFormat format, Path workDir, String name,
                          Events events) {
        if (!ACCEPTS.contains(format)) {
            throw KilnException.usage("push azure reads " + ACCEPTS + " images, not " + format
                    + "; build one with 'kiln build -f vhd'");
        }
        Path vhd = file;
        if (!format.equals(ImageFormat.VHD) || !isFixedVhd(file)) {
            vhd = workDir.resolve("azure-upload.vhd");
            events.info("converting " + format + " to a fixed VHD for Azure");
            try (DiskSource disk = conversions.open(file)) {
                conversions.write(disk, ImageFormat.VHD, vhd, name, events);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try (DiskSource disk = conversions.open(vhd)) {
            long length = Files.size(vhd);
            if (length % (1 << 20) != SECTOR || !isFixedVhd(vhd)) {
                throw KilnException.tried("upload " + vhd, "Azure takes a fixed VHD of whole MiB plus its 512-byte "
                        + "footer; this file is " + length + " bytes", "build it with 'kiln build -f vhd'");
            }
            return new AzureDisk(vhd, length, pages(disk.extents(), length));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The data extents widened to 512-byte sectors and cut to 4 MiB, then the footer. */
    static List<Extent> pages(List<Extent> extents, long fileSize) {
        long dataEnd = fileSize - SECTOR;
        List<Extent> out = new ArrayList<>();
        long covered = 0;
        for (Extent e : extents) {
            long start = Math.max(covered, e.offset() / SECTOR * SECTOR);
            long end = Math.min(dataEnd, (e.end() + SECTOR - 1) / SECTOR * SECTOR);
            for (long at = start; at < end; at += MAX_PAGE) {
                out.add(new Extent(at, Math.min(MAX_PAGE, end - at)));
            }
            covered = Math.max(covered, end);
        }
        out.add(new Extent(dataEnd, SECTOR));
        return List.copyOf(out);
    }

    static boolean isFixedVhd(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < SECTOR) {
                return false;
            }
            ByteBuffer footer = ByteBuffer.allocate(SECTOR);
            ch.read(footer, size - SECTOR);
            String cookie = new String(footer.array(), 0, 8, StandardCharsets.US_ASCII);
            int diskType = footer.getInt(60);
            return cookie.equals("conectix") && diskType == 2;
        } catch (IOException e) {
            return false;
        }
    }
}
