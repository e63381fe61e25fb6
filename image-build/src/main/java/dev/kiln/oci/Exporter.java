package dev.kiln.oci;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code kiln cache export}: writes cached images as an OCI archive (a tar of an OCI image
 * layout), readable by {@code kiln cache import}, {@code skopeo copy oci-archive:...} and
 * LinuxKit. The tar is deterministic: fixed mtime, blobs in digest order.
 */
public final class Exporter {

    private final OciLayout layout;
    private final Events events;

    public Exporter(OciLayout layout, Events events) {
        this.layout = layout;
        this.events = events;
    }

    /** Writes the images named {@code references} to {@code out}; returns the names written. */
    public List<String> export(List<String> references, OutputStream out) throws IOException {
        try (CacheLock.Hold hold = layout.useLock()) {
            List<Descriptor> entries = new ArrayList<>();
            TreeSet<String> blobs = new TreeSet<>();
            for (String r : references) {
                String name = ImageReference.parse(r).toString();
                Descriptor d = layout.find(name).orElseThrow(() -> KilnException.tried("export " + r,
                        "no image of that name is cached", "pull or import it first; 'kiln cache ls' lists the cache"));
                entries.add(d);
                blobs.addAll(Reachable.from(layout, d));
            }
            events.phase("export " + entries.size() + " image(s)");
            write(entries, blobs, out);
            return entries.stream().map(Descriptor::refName).toList();
        }
    }

    private void write(List<Descriptor> entries, TreeSet<String> blobs, OutputStream out) throws IOException {
        BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 16);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(buffered);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        file(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes());
        file(tar, "index.json", index(entries));
        directory(tar, "blobs/");
        directory(tar, "blobs/sha256/");
        for (String digest : blobs) {
            long size = Files.size(layout.blobPath(digest));
            tar.putArchiveEntry(entry("blobs/sha256/" + Blobs.hex(digest), size));
            try (InputStream in = layout.openBlob(digest, size)) {
                in.transferTo(tar);
            }
            tar.closeArchiveEntry();
        }
        tar.finish();
        buffered.flush();
    }

    private static byte[] index(List<Descriptor> entries) throws IOException {
        ObjectNode index = OciLayout.JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaTypes.OCI_INDEX);
        ArrayNode manifests = index.putArray("manifests");
        for (Descriptor d : entries) {
            manifests.add(d.withAnnotations(Map.of(Descriptor.REF_NAME, d.refName())).toJson());
        }
        return OciLayout.JSON.writeValueAsBytes(index);
    }

    private static void file(TarArchiveOutputStream tar, String name, byte[] bytes) throws IOException {
        tar.putArchiveEntry(entry(name, bytes.length));
        tar.write(bytes);
        tar.closeArchiveEntry();
    }

    private static void directory(TarArchiveOutputStream tar, String name) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_DIR);
        e.setMode(040755);
        e.setModTime(Date.from(Packer.MTIME));
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    private static TarArchiveEntry entry(String name, long size) {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(0100644);
        e.setSize(size);
        e.setModTime(Date.from(Packer.MTIME));
        e.setUserName("");
        e.setGroupName("");
        return e;
    }
}
