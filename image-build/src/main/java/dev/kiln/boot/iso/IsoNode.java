package dev.kiln.boot.iso;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A directory or file in the volume's tree, with its Rock Ridge name and ISO9660 identifier. */
final class IsoNode {

    final String name;
    final byte[] identifier;
    final IsoNode parent;
    final IsoFile file;
    final List<IsoNode> children = new ArrayList<>();
    int number;
    long lba;
    long size;

    IsoNode(String name, String identifier, IsoNode parent, IsoFile file) {
        this.name = name;
        this.identifier = identifier.getBytes(StandardCharsets.US_ASCII);
        this.parent = parent;
        this.file = file;
    }

    boolean isDirectory() {
        return file == null;
    }

    int depth() {
        return parent == null ? 1 : parent.depth() + 1;
    }

    IsoNode child(String childName) {
        for (IsoNode c : children) {
            if (c.name.equals(childName)) {
                return c;
            }
        }
        return null;
    }
}
