package dev.kiln.testing;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a tar back: entries in order, with the content of regular files as text. */
public final class TarListing {

    /** One entry as read back. */
    public record Item(TarArchiveEntry entry, String content) {
    }

    private TarListing() {
    }

    /** Names without a trailing slash, in tar order; a later duplicate replaces an earlier one. */
    public static Map<String, Item> read(Path tar) throws IOException {
        Map<String, Item> out = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(tar); TarArchiveInputStream t = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e = t.getNextEntry(); e != null; e = t.getNextEntry()) {
                String name = e.getName().endsWith("/") ? e.getName().substring(0, e.getName().length() - 1)
                        : e.getName();
                String content = e.isFile() ? new String(t.readAllBytes(), StandardCharsets.UTF_8) : null;
                out.remove(name);
                out.put(name, new Item(e, content));
            }
        }
        return out;
    }
}
