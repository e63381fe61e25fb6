package dev.kiln.boot.fat;

import java.util.ArrayList;
import java.util.List;

/** A directory or file of a FAT volume and the clusters it was given. */
final class FatNode {

    final String name;
    final ShortName shortName;
    final FatNode parent;
    final FatFile file;
    final List<FatNode> children = new ArrayList<>();
    long firstCluster;
    long clusters;

    FatNode(String name, FatNode parent, FatFile file) {
        this.name = name;
        this.shortName = parent == null ? null : ShortName.of(name);
        this.parent = parent;
        this.file = file;
    }

    boolean isDirectory() {
        return file == null;
    }

    long size() {
        return file == null ? 0 : file.content().size();
    }

    /** Directory entries this directory holds: ".", ".." (or the volume label in the root) and children. */
    int entries() {
        return children.size() + (parent == null ? 1 : 2);
    }

    FatNode child(String childName) {
        for (FatNode c : children) {
            if (c.name.equalsIgnoreCase(childName)) {
                return c;
            }
        }
        return null;
    }
}
