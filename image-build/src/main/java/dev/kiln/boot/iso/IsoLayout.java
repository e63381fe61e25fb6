package dev.kiln.boot.iso;

import dev.kiln.boot.io.Bytes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where everything of a volume goes, in 2048-byte blocks: the 16 system-area blocks, the volume
 * descriptors, the El Torito catalog, the Rock Ridge continuation block, both path tables, the
 * directories and then the files in the order given. Planning touches no file data.
 */
public final class IsoLayout {

    public static final int BLOCK = 2048;

    final IsoSpec spec;
    final IsoNode root;
    final List<IsoNode> directories;
    final Map<String, IsoNode> files = new LinkedHashMap<>();
    final long catalogLba;
    final long continuationLba;
    final long pathTableL;
    final long pathTableM;
    final int pathTableSize;
    final long dataEnd;
    final long volumeBlocks;

    private IsoLayout(IsoSpec spec) {
        this.spec = spec;
        this.root = IsoTree.build(spec.files());
        this.directories = IsoTree.directories(root);
        long lba = 16 + 1 + (spec.bootable() ? 1 : 0) + 1;
        this.catalogLba = spec.bootable() ? lba++ : 0;
        this.continuationLba = lba++;
        this.pathTableSize = PathTable.size(directories);
        long ptBlocks = Bytes.ceilDiv(pathTableSize, BLOCK);
        this.pathTableL = lba;
        this.pathTableM = lba + ptBlocks;
        lba += 2 * ptBlocks;
        for (IsoNode d : directories) {
            d.size = DirectoryRecord.extentSize(DirectoryRecord.of(d, 0));
            d.lba = lba;
            lba += d.size / BLOCK;
        }
        long end = lba;
        for (IsoFile f : spec.files()) {
            IsoNode node = find(f.path());
            node.size = f.content().size();
            if (node.size > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException(f.path() + " is larger than the 4 GiB an ISO9660 extent holds");
            }
            node.lba = f.placed() ? f.placedAt() : (node.size == 0 ? 0 : lba);
            if (!f.placed()) {
                lba += Bytes.ceilDiv(node.size, BLOCK);
            } else {
                end = Math.max(end, f.placedAt() + Bytes.ceilDiv(node.size, BLOCK));
            }
            files.put(f.path(), node);
        }
        this.dataEnd = lba;
        this.volumeBlocks = Math.max(lba, end);
    }

    /** Lays out {@code spec}; placed files keep the blocks they name. */
    public static IsoLayout plan(IsoSpec spec) {
        return new IsoLayout(spec);
    }

    /** First block after everything this volume writes itself (placed files not counted). */
    public long dataEndBlock() {
        return dataEnd;
    }

    /** Blocks the volume covers, placed files included: the size recorded in the descriptor. */
    public long volumeBlocks() {
        return volumeBlocks;
    }

    /** The block where the file at {@code path} starts. */
    public long blockOf(String path) {
        IsoNode n = files.get(path);
        if (n == null) {
            throw new IllegalArgumentException("no file " + path + " in this volume");
        }
        return n.lba;
    }

    public long sizeOf(String path) {
        return files.get(path).size;
    }

    List<IsoNode> filesInOrder() {
        return new ArrayList<>(files.values());
    }

    private IsoNode find(String path) {
        IsoNode n = root;
        for (String part : path.split("/")) {
            n = n.child(part);
        }
        return n;
    }
}
