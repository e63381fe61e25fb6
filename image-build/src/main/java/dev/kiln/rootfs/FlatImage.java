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

    public void remove(String name) {
        items.remove(name);
    }

    /** Adds or replaces an entry whose content kiln provides. */
    public void put(TarEntry entry, byte[] content) {
        items.put(entry.name(), new Item(entry.withContent(content.length), 0, content, -1));
    }

    /** Adds or replaces an entry with no content (directory, link, device). */
    public void put(TarEntry entry) {
        items.put(entry.name(), new Item(entry, 0, new byte[0], -1));
    }

    SpoolFile spool() {
        return spool;
    }

    Item item(String name) {
        return items.get(name);
    }

    void putItem(Item item) {
        items.put(item.entry().name(), item);
    }

    @Override
    public void close() throws IOException {
        spool.close();
    }
}
