package dev.kiln.rootfs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Makes hard links of a flattened image safe and valid in sorted order. A link must point at an
 * entry of the same image (anything else would reach outside the tree, and is rejected), and a tar
 * link must come after its target: in each group of names sharing one file, the smallest name
 * carries the bytes and the others link to it.
 */
final class HardLinks {

    private static final int MAX_CHAIN = 64;

    private HardLinks() {
    }

    static void resolve(FlatImage image, String what) {
        Map<String, List<String>> groups = new TreeMap<>();
        for (TarEntry e : image.entries()) {
            if (e.kind() == TarEntry.Kind.HARDLINK) {
                groups.computeIfAbsent(finalTarget(image, e, what), k -> new ArrayList<>()).add(e.name());
            }
        }
        groups.forEach((target, links) -> regroup(image, target, links));
    }

    private static String finalTarget(FlatImage image, TarEntry link, String what) {
        TarEntry at = link;
        for (int i = 0; i < MAX_CHAIN && at.kind() == TarEntry.Kind.HARDLINK; i++) {
            TarEntry next = image.get(at.linkName());
            if (next == null) {
                throw LayerFlattener.malformed(what, "its hard link '" + link.name() + "' points at '"
                        + link.linkName() + "', which is not in the image, so it was rejected (a hard link may "
                        + "never reach outside the image tree)");
            }
            at = next;
        }
        if (at.kind() == TarEntry.Kind.HARDLINK || at.kind() == TarEntry.Kind.DIR) {
            throw LayerFlattener.malformed(what, "its hard link '" + link.name() + "' points at a directory or "
                    + "a loop of links");
        }
        return at.name();
    }

    private static void regroup(FlatImage image, String target, List<String> links) {
        String canonical = target;
        for (String l : links) {
            canonical = l.compareTo(canonical) < 0 ? l : canonical;
        }
        FlatImage.Item data = image.item(target);
        if (!canonical.equals(target)) {
            TarEntry moved = data.entry().withName(canonical);
            image.putItem(new FlatImage.Item(moved, data.offset(), data.inline(), data.layer()));
            image.putItem(new FlatImage.Item(data.entry().withLink(TarEntry.Kind.HARDLINK, canonical), 0, null,
                    data.layer()));
        }
        for (String l : links) {
            if (!l.equals(canonical)) {
                FlatImage.Item item = image.item(l);
                image.putItem(new FlatImage.Item(item.entry().withLink(TarEntry.Kind.HARDLINK, canonical), 0, null,
                        item.layer()));
            }
        }
    }
}
