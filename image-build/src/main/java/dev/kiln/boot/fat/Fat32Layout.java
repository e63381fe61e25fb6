package dev.kiln.boot.fat;

import dev.kiln.boot.io.Bytes;
import dev.kiln.core.Sizes;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where every directory and file of a FAT32 volume goes: the root at cluster 2, the other
 * directories breadth first, then the files in the order given, each in one contiguous run of
 * clusters. Planning reads no file data.
 */
public final class Fat32Layout {

    final Fat32Geometry geometry;
    final FatNode root = new FatNode("", null, null);
    final List<FatNode> directories = new ArrayList<>();
    final Map<String, FatNode> files = new LinkedHashMap<>();
    final long diskOffset;
    final String label;
    final int volumeId;
    long nextFree;

    private Fat32Layout(Fat32Geometry geometry, List<FatFile> fileList, long diskOffset, String label, int volumeId) {
        this.geometry = geometry;
        this.diskOffset = diskOffset;
        this.label = label;
        this.volumeId = volumeId;
        for (FatFile f : fileList) {
            add(f);
        }
        allocate(fileList);
    }

    /**
     * @param bytes      volume size
     * @param diskOffset where the volume starts on the disk, for alignment and the hidden-sector count
     * @param volumeId   the volume serial number
     */
    public static Fat32Layout plan(long bytes, List<FatFile> files, long diskOffset, String label, int volumeId) {
        Fat32Layout layout = new Fat32Layout(Fat32Geometry.forSize(bytes), files, diskOffset, label, volumeId);
        if (!layout.fits()) {
            throw new IllegalArgumentException("files need more than the " + bytes + " bytes of this FAT volume");
        }
        return layout;
    }

    /** The smallest whole-MiB volume that holds {@code files}. */
    public static long sizeFor(List<FatFile> files) {
        long data = 0;
        for (FatFile f : files) {
            data += f.content().size() + Math.max(f.alignment(), 4096) + 4096;
        }
        long size = Math.max(Fat32Geometry.minimumBytes(), Sizes.roundUp(data + data / 64 + (1 << 20), 1 << 20));
        while (!new Fat32Layout(Fat32Geometry.forSize(size), files, 0, "X", 0).fits()) {
            size += Math.max(1 << 20, Sizes.roundUp(size / 16, 1 << 20));
        }
        return size;
    }

    private boolean fits() {
        return nextFree <= geometry.clusters() + 2;
    }

    public Fat32Geometry geometry() {
        return geometry;
    }

    /** Byte offset of a file's data from the start of the volume. */
    public long offsetOf(String path) {
        FatNode n = files.get(path);
        if (n == null) {
            throw new IllegalArgumentException("no file " + path + " in this volume");
        }
        return geometry.clusterOffset(n.firstCluster);
    }

    public long sizeBytes() {
        return geometry.sectors() * Fat32Geometry.SECTOR;
    }

    private void add(FatFile f) {
        String[] parts = f.path().split("/");
        FatNode dir = root;
        for (int i = 0; i < parts.length - 1; i++) {
            FatNode next = dir.child(parts[i]);
            if (next == null) {
                next = new FatNode(parts[i], dir, null);
                dir.children.add(next);
            } else if (!next.isDirectory()) {
                throw new IllegalArgumentException(parts[i] + " is both a file and a directory");
            }
            dir = next;
        }
        if (dir.child(parts[parts.length - 1]) != null) {
            throw new IllegalArgumentException("two files at " + f.path());
        }
        FatNode node = new FatNode(parts[parts.length - 1], dir, f);
        dir.children.add(node);
        files.put(f.path(), node);
    }

    private void allocate(List<FatFile> fileList) {
        long cluster = 2;
        Deque<FatNode> queue = new ArrayDeque<>(List.of(root));
        while (!queue.isEmpty()) {
            FatNode d = queue.removeFirst();
            directories.add(d);
            d.firstCluster = cluster;
            d.clusters = Math.max(1, Bytes.ceilDiv(d.entries() * 32L, geometry.clusterBytes()));
            cluster += d.clusters;
            d.children.stream().filter(FatNode::isDirectory).forEach(queue::addLast);
        }
        for (FatFile f : fileList) {
            FatNode n = files.get(f.path());
            n.clusters = Bytes.ceilDiv(n.size(), geometry.clusterBytes());
            if (n.clusters == 0) {
                continue;
            }
            for (int skipped = 0; f.alignment() > 0
                    && (diskOffset + geometry.clusterOffset(cluster)) % f.alignment() != 0; skipped++) {
                if (skipped > f.alignment() / Fat32Geometry.SECTOR) {
                    throw new IllegalArgumentException("no cluster of this volume starts on a multiple of "
                            + f.alignment() + " on the disk");
                }
                cluster++;
            }
            n.firstCluster = cluster;
            cluster += n.clusters;
        }
        nextFree = cluster;
    }
}
