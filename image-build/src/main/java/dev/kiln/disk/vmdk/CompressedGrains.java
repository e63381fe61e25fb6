package dev.kiln.disk.vmdk;

import dev.kiln.disk.Channels;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates the grains of a compressed sparse extent (technote "Stream-Optimized Compressed Sparse
 * Extents"): a grain marker {lba u64, size u32} then deflate data. qemu, open-vmdk and kiln write
 * zlib-framed deflate (whose Adler-32 then guards the data); bare RFC 1951 deflate is read too.
 * The last grain inflated is kept, since readers walk a grain in several smaller reads.
 */
final class CompressedGrains {

    private final FileChannel ch;
    private final Path path;
    private final SparseExtentHeader header;
    private final long fileSize;
    private final byte[] grain;
    private final int maxCompressed;
    private long cachedSector = -1;

    CompressedGrains(FileChannel ch, Path path, SparseExtentHeader header) throws IOException {
        this.ch = ch;
        this.path = path;
        this.header = header;
        this.fileSize = ch.size();
        this.grain = new byte[header.grainBytes()];
        // zlib's deflateBound for the worst (stored) case, with room for the framing
        this.maxCompressed = grain.length + (grain.length >> 10) + 64;
    }

    /** Grain number {@code index}, stored from {@code sector}, as {@code grainBytes} bytes. */
    ByteBuffer read(long index, long sector) throws IOException {
        if (sector != cachedSector) {
            cachedSector = -1;
            inflate(index, sector, compressed(index, sector));
            cachedSector = sector;
        }
        return ByteBuffer.wrap(grain);
    }

    private byte[] compressed(long index, long sector) throws IOException {
        long at = sector * 512;
        long length = Math.min(maxCompressed, fileSize - at);
        if (header.markers()) {
            ByteBuffer marker = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            Channels.readFully(ch, marker, at);
            long lba = marker.getLong(0);
            if (lba != index * header.grainSize()) {
                throw SparseExtentHeader.corrupt(path, "the grain table sends grain " + index + " to sector " + sector
                        + ", whose marker is for LBA " + lba);
            }
            at += 12;
            length = marker.getInt(8) & 0xffffffffL;
        }
        if (length <= 0 || length > maxCompressed || at + length > fileSize) {
            throw SparseExtentHeader.corrupt(path, "compressed grain " + index + " (sector " + sector + ", "
                    + length + " bytes) does not fit in the file");
        }
        ByteBuffer data = ByteBuffer.allocate((int) length);
        Channels.readFully(ch, data, at);
        return data.array();
    }

    private void inflate(long index, long sector, byte[] in) {
        Inflater inflater = new Inflater(!zlibFramed(in));
        try {
            inflater.setInput(in);
            int done = 0;
            int stalls = 0;
            while (!inflater.finished()) {
                // once the grain is full, only the stream's end (and zlib's Adler-32) may remain
                boolean full = done == grain.length;
                int n = full ? inflater.inflate(new byte[1]) : inflater.inflate(grain, done, grain.length - done);
                if (full && n > 0) {
                    throw new DataFormatException("it inflates to more than a grain");
                }
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary() || ++stalls > 2)) {
                    throw new DataFormatException("its deflate stream ends early");
                }
                done += n;
            }
            Arrays.fill(grain, done, grain.length, (byte) 0);
        } catch (DataFormatException e) {
            throw SparseExtentHeader.corrupt(path, "compressed grain " + index + " (sector " + sector
                    + ") is corrupt: " + dev.kiln.api.KilnException.reason(e));
        } finally {
            inflater.end();
        }
    }

    /** RFC 1950 header: method 8 (deflate) and a check value that makes the first two bytes divisible by 31. */
    private static boolean zlibFramed(byte[] in) {
        return in.length >= 2 && (in[0] & 0x0f) == 8 && (((in[0] & 0xff) << 8) | (in[1] & 0xff)) % 31 == 0;
    }
}
