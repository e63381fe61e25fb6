package dev.kiln.boot.iso;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds the directory tree of a volume from its file paths and numbers the directories. */
final class IsoTree {

    private IsoTree() {
    }

    static IsoNode build(List<IsoFile> files) {
        IsoNode root = new IsoNode("", "\0", null, null);
        Map<IsoNode, Set<String>> taken = new HashMap<>();
        for (IsoFile f : files) {
            String[] parts = f.path().split("/");
            IsoNode dir = root;
            for (int i = 0; i < parts.length - 1; i++) {
                dir = directory(dir, parts[i], taken);
            }
            if (dir.child(parts[parts.length - 1]) != null) {
                throw new IllegalArgumentException("two files at " + f.path());
            }
            String id = IsoNames.identifier(parts[parts.length - 1], false, taken.computeIfAbsent(dir, d -> new HashSet<>()));
            dir.children.add(new IsoNode(parts[parts.length - 1], id, dir, f));
        }
        sort(root);
        return root;
    }

    /** Directories in path-table order (ECMA-119 9.4): by level, then parent number, then identifier. */
    static List<IsoNode> directories(IsoNode root) {
        List<IsoNode> out = new ArrayList<>();
        Deque<IsoNode> queue = new ArrayDeque<>(List.of(root));
        while (!queue.isEmpty()) {
            IsoNode d = queue.removeFirst();
            d.number = out.size() + 1;
            out.add(d);
            d.children.stream().filter(IsoNode::isDirectory).forEach(queue::addLast);
        }
        return out;
    }

    private static IsoNode directory(IsoNode parent, String name, Map<IsoNode, Set<String>> taken) {
        IsoNode existing = parent.child(name);
        if (existing != null) {
            if (!existing.isDirectory()) {
                throw new IllegalArgumentException(name + " is both a file and a directory");
            }
            return existing;
        }
        String id = IsoNames.identifier(name, true, taken.computeIfAbsent(parent, d -> new HashSet<>()));
        IsoNode dir = new IsoNode(name, id, parent, null);
        parent.children.add(dir);
        return dir;
    }

    private static void sort(IsoNode dir) {
        dir.children.sort((a, b) -> IsoNames.compare(a.identifier, b.identifier));
        dir.children.stream().filter(IsoNode::isDirectory).forEach(IsoTree::sort);
    }
}
