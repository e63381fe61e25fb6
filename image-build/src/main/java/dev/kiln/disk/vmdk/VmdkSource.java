package dev.kiln.disk.vmdk;

import dev.kiln.disk.Channels;
import dev.kiln.api.DiskSource;
import dev.kiln.api.Extent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a single-file sparse VMDK (VMware "Virtual Disk Format 5.0" technote) as a disk:
 * monolithicSparse (plain grains) and streamOptimized (deflated grains with markers, the grain
 * directory possibly at the end and found through the footer). Extents are the stored grains.
 * Split (twoGbMaxExtent*), flat and delta (child) disks are refused with a way out.
 */
public final class VmdkSource implements DiskSource {

    /** The text a descriptor file starts with, when the data lives in other files. */
    public static final String DESCRIPTOR_FILE = "# Disk DescriptorFile";
    private static final Pattern PARENT_CID = Pattern.compile("(?m)^\\s*parentCID\\s*=\\s*\"?([0-9a-fA-F]+)");
    private static final int MAX_DESCRIPTOR = 1 << 20;

    private final FileChannel ch;
    private final long size;
    private final SparseExtentHeader header;
    private final GrainTables tables;
    private final CompressedGrains compressed;
    private final Path path;

    private VmdkSource(FileChannel ch, Path path, SparseExtentHeader header) throws IOException {
        this.ch = ch;
        this.path = path;
        this.header = header;
        this.size = header.capacity() * 512;
        this.tables = GrainTables.read(ch, path, header);
        this.compressed = header.compressed() ? new CompressedGrains(ch, path, header) : null;
    }

    /** Opens {@code path}; damaged, cut-short or unsupported files fail with a message naming it. */
    public static VmdkSource open(Path path) throws IOException {
        return open(FileChannel.open(path, StandardOpenOption.READ), path);
    }

    /**
     * Reads the VMDK in {@code ch} (a whole file or a {@link dev.kiln.disk.FileSlice} of an archive), which
     * the source closes; {@code path} names it in messages.
     */
    public static VmdkSource open(FileChannel ch, Path path) throws IOException {
        try {
            ByteBuffer first = ByteBuffer.allocate(512);
            Channels.readFully(ch, first, 0);
            if (new String(first.array(), 0, DESCRIPTOR_FILE.length(), StandardCharsets.US_ASCII)
                    .equals(DESCRIPTOR_FILE)) {
                throw SparseExtentHeader.unsupported(path, "it is a descriptor whose data lives in separate"
                        + " extent files, and kiln reads single-file sparse VMDKs only");
            }
            SparseExtentHeader header = SparseExtentHeader.parse(first, path);
            refuseChild(ch, path, header);
            if (header.gdOffset() == VmdkHeader.GD_AT_END) {
                header = footer(ch, path);
            }
            return new VmdkSource(ch, path, header);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** A stream ends with a footer marker, the footer (the header with the real gdOffset) and EOS. */
    private static SparseExtentHeader footer(FileChannel ch, Path path) throws IOException {
        ByteBuffer tail = ByteBuffer.allocate(1536).order(ByteOrder.LITTLE_ENDIAN);
        long end = ch.size();
        if (end >= 2048) {
            Channels.readFully(ch, tail, end - 1536);
        }
        if (end < 2048 || tail.getInt(12) != 3 || tail.getInt(512) != VmdkHeader.MAGIC) {
            throw SparseExtentHeader.corrupt(path, "its grain directory is at the end, and the file does not end"
                    + " with the footer a streamOptimized VMDK carries there");
        }
        SparseExtentHeader footer = SparseExtentHeader.parse(tail.slice(512, 512), path);
        if (footer.gdOffset() == VmdkHeader.GD_AT_END) {
            throw SparseExtentHeader.corrupt(path, "its footer does not say where the grain directory is");
        }
        return footer;
    }

    /** A delta disk's unstored grains live in its parent, which kiln does not follow. */
    private static void refuseChild(FileChannel ch, Path path, SparseExtentHeader header) throws IOException {
        if (header.descriptorOffset() <= 0 || header.descriptorSize() <= 0) {
            return;
        }
        int bytes = (int) Math.min(MAX_DESCRIPTOR, header.descriptorSize() * 512);
        ByteBuffer text = ByteBuffer.allocate(bytes);
        Channels.readFully(ch, text, header.descriptorOffset() * 512);
        Matcher parent = PARENT_CID.matcher(new String(text.array(), StandardCharsets.ISO_8859_1));
        if (parent.find() && !parent.group(1).equalsIgnoreCase("ffffffff")) {
            throw SparseExtentHeader.unsupported(path, "it is a delta disk whose unwritten grains live in a parent"
                    + " disk (parentCID " + parent.group(1) + ")");
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public synchronized List<Extent> extents() throws IOException {
        return tables.extents(size);
    }

    @Override
    public synchronized void read(long offset, ByteBuffer dst) throws IOException {
        long grainBytes = header.grainBytes();
        long pos = offset;
        while (dst.hasRemaining()) {
            long grain = pos / grainBytes;
            int within = (int) (pos % grainBytes);
            int n = (int) Math.min(dst.remaining(), grainBytes - within);
            ByteBuffer part = dst.slice(dst.position(), n);
            long sector = pos < size ? tables.entry(grain) : GrainTables.ABSENT;
            if (sector <= GrainTables.ZERO) {
                while (part.hasRemaining()) {
                    part.put((byte) 0);
                }
            } else if (compressed != null) {
                part.put(compressed.read(grain, sector).slice(within, n));
            } else {
                readPlain(grain, sector * 512 + within, part);
            }
            dst.position(dst.position() + n);
            pos += n;
        }
    }

    private void readPlain(long grain, long at, ByteBuffer part) throws IOException {
        if (at > ch.size() - part.remaining()) {
            throw SparseExtentHeader.corrupt(path, "grain " + grain + " lies past the end of the file");
        }
        Channels.readFully(ch, part, at);
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
