package dev.kiln.rootfs;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * An image's layers flattened into one tree: entries sorted by name (so a directory always comes
 * before what it holds), the bytes of regular files in a spool file on disk. Memory grows with
 * the number of entries, never with their size.
 */
public final class FlatImage implements Closeable {

    /** Where an entry's bytes are: in the spool at {@code offset}, or {@code inline} for entries kiln made. */
    record Item(TarEntry entry, long offset, byte[] inline, int layer) {
    }

    private final TreeMap<String, Item> items = new TreeMap<>();
    private final SpoolFile spool;
    private boolean hardLinks;

    FlatImage(SpoolFile spool) {
        this.spool = spool;
    }

    /** Entries in name order. */
    public List<TarEntry> entries() {
        List<TarEntry> out = new ArrayList<>(items.size());
        items.values().forEach(i -> out.add(i.entry()));
        return out;
    }

    public TarEntry get(String name) {
        Item item = items.get(name);
        return item == null ? null : item.entry();
    }

    public boolean contains(String name) {
        return items.containsKey(name);
    }

    /** The bytes of a regular file entry. */
    public InputStream open(String name) {
        Item item = items.get(name);
        if (item.inline() != null) {
            return new ByteArrayInputStream(item.inline());
        }
        return spool.open(item.offset(), item.entry().size());
    }

    /** Removes an entry; if it carried the bytes of a hard-link group, the next name of the group keeps them. */
    public void remove(String name) {
        handOver(name);
        items.remove(name);
    }

    /** Adds or replaces an entry whose content kiln provides; other names hard-linked to the old one keep its bytes. */
    public void put(TarEntry entry, byte[] content) {
        handOver(entry.name());
        items.put(entry.name(), new Item(entry.withContent(content.length), 0, content, -1));
    }

    /** Adds or replaces an entry with no content (directory, link, device), as {@link #put(TarEntry, byte[])}. */
    public void put(TarEntry entry) {
        handOver(entry.name());
        items.put(entry.name(), new Item(entry, 0, new byte[0], -1));
    }

    /**
     * Before {@code name} is removed or replaced: if it is the file that the other names of a hard-link group
     * link to, the smallest of them becomes that file and the rest link to it, so the group keeps its bytes
     * (as a Docker exclusion of {@code .dockerenv}, the first name in sorted order, must not empty its group).
     */
    private void handOver(String name) {
        Item carrier = items.get(name);
        if (!hardLinks || carrier == null || carrier.entry().kind() != TarEntry.Kind.FILE) {
            return;
        }
        String heir = null;
        List<Item> group = new ArrayList<>();
        for (Item i : items.values()) {
            if (i.entry().kind() == TarEntry.Kind.HARDLINK && name.equals(i.entry().linkName())) {
                group.add(i);
                heir = heir == null ? i.entry().name() : heir;
            }
        }
        for (Item i : group) {
            TarEntry e = i.entry();
            items.put(e.name(), e.name().equals(heir)
                    ? new Item(carrier.entry().withName(heir), carrier.offset(), carrier.inline(), i.layer())
                    : new Item(e.withLink(TarEntry.Kind.HARDLINK, heir), 0, null, i.layer()));
        }
    }

    /** True when some entry lies below {@code name} (it is, or must become, a directory). */
    boolean hasBelow(String name) {
        return !below(name).isEmpty();
    }

    /** The entries below {@code name}: "name/..." sorts between "name/" and "name0" ('0' follows '/'). */
    java.util.NavigableMap<String, Item> below(String name) {
        return items.subMap(name + "/", true, name + "0", false);
    }

    SpoolFile spool() {
        return spool;
    }

    Item item(String name) {
        return items.get(name);
    }

    void putItem(Item item) {
        hardLinks |= item.entry().kind() == TarEntry.Kind.HARDLINK;
        items.put(item.entry().name(), item);
    }

    @Override
    public void close() throws IOException {
        spool.close();
    }
}
