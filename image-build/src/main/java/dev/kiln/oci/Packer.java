package dev.kiln.oci;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.Digests;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Makes a single-layer image from a local directory ({@code kiln cache pack}), so kernels and
 * init trees built locally need no Docker. The layer is deterministic: entries sorted by name,
 * owner root, every mtime {@link #MTIME} (LinuxKit's fixed rootfs timestamp), and JSON documents
 * with a fixed field order; the same directory gives the same digests.
 */
public final class Packer {

    /** The timestamp LinuxKit gives every rootfs entry. */
    public static final Instant MTIME = Instant.parse("2017-04-18T16:30:00Z");

    private final OciLayout layout;
    private final Events events;

    public Packer(OciLayout layout, Events events) {
        this.layout = layout;
        this.events = events;
    }

    /** What was packed. */
    public record Packed(String reference, Descriptor manifest, Descriptor layer) {}

    /** Packs {@code dir} as image {@code reference} for {@code platform} with {@code labels}, and names it in the cache. */
    public Packed pack(Path dir, String reference, Platform platform, Map<String, String> labels) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw KilnException.usage("kiln cache pack needs a directory; " + dir + " is not one");
        }
        ImageReference ref = ImageReference.parse(reference);
        try (CacheLock.Hold hold = layout.useLock()) {
            events.phase("pack " + dir);
            Path temp = layout.tempFile();
            try {
                MessageDigest diff = Digests.sha256();
                MessageDigest blob = Digests.sha256();
                writeLayer(dir, temp, diff, blob);
                Descriptor layer = new Descriptor(MediaTypes.OCI_LAYER_GZIP, "sha256:" + Digests.hex(blob.digest()), Files.size(temp));
                layout.adopt(temp, layer.digest());
                byte[] config = config(platform, labels, "sha256:" + Digests.hex(diff.digest()));
                Descriptor configDesc = new Descriptor(MediaTypes.OCI_CONFIG, layout.writeBlob(config), config.length);
                byte[] manifest = manifest(configDesc, layer);
                Descriptor manifestDesc = new Descriptor(MediaTypes.OCI_MANIFEST, layout.writeBlob(manifest), manifest.length);
                layout.put(manifestDesc.withAnnotations(Map.of(Descriptor.REF_NAME, ref.toString())));
                return new Packed(ref.toString(), manifestDesc, layer);
            } finally {
                Files.deleteIfExists(temp);
            }
        }
    }

    private void writeLayer(Path dir, Path temp, MessageDigest diff, MessageDigest blob) throws IOException {
        try (OutputStream file = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16), blob);
             GZIPOutputStream gzip = new GZIPOutputStream(file, 1 << 16) {
                 {
                     def.setLevel(Deflater.BEST_SPEED);
                 }
             };
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new DigestOutputStream(gzip, diff))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
            walk(dir, "", tar);
            tar.finish();
        }
    }

    private void walk(Path dir, String prefix, TarArchiveOutputStream tar) throws IOException {
        List<Path> children;
        try (Stream<Path> list = Files.list(dir)) {
            children = list.sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        }
        for (Path child : children) {
            String name = prefix + child.getFileName();
            if (Files.isSymbolicLink(child)) {
                TarArchiveEntry e = entry(name, TarArchiveEntry.LF_SYMLINK, 0777);
                e.setLinkName(Files.readSymbolicLink(child).toString());
                tar.putArchiveEntry(e);
                tar.closeArchiveEntry();
            } else if (Files.isDirectory(child)) {
                tar.putArchiveEntry(entry(name + "/", TarArchiveEntry.LF_DIR, mode(child)));
                tar.closeArchiveEntry();
                walk(child, name + "/", tar);
            } else if (Files.isRegularFile(child)) {
                TarArchiveEntry e = entry(name, TarArchiveEntry.LF_NORMAL, mode(child));
                e.setSize(Files.size(child));
                tar.putArchiveEntry(e);
                Files.copy(child, tar);
                tar.closeArchiveEntry();
            } else {
                events.warn("skipped " + child + ": only files, directories and symbolic links are packed");
            }
        }
    }

    private static TarArchiveEntry entry(String name, byte type, int mode) {
        TarArchiveEntry e = new TarArchiveEntry(name, type);
        e.setMode((type == TarArchiveEntry.LF_DIR ? 040000 : type == TarArchiveEntry.LF_SYMLINK ? 0120000 : 0100000) | mode);
        e.setModTime(Date.from(MTIME));
        e.setUserId(0);
        e.setGroupId(0);
        e.setUserName("");
        e.setGroupName("");
        return e;
    }

    /** Permissions with the setuid, setgid and sticky bits (/tmp 1777, su 4755), from the unix view when it exists. */
    private static int mode(Path p) throws IOException {
        try {
            Object unix = Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if (unix instanceof Integer m) {
                return m & 07777;
            }
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            // no unix view: the nine permission bits below
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        int mode = 0;
        for (PosixFilePermission perm : perms) {
            mode |= 1 << (8 - perm.ordinal());
        }
        return mode;
    }

    private static byte[] config(Platform platform, Map<String, String> labels, String diffId) throws IOException {
        ObjectNode config = OciLayout.JSON.createObjectNode();
        config.put("architecture", platform.architecture());
        config.put("os", platform.os());
        ObjectNode inner = config.putObject("config");
        if (!labels.isEmpty()) {
            ObjectNode l = inner.putObject("Labels");
            new TreeMap<>(labels).forEach(l::put);
        }
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        rootfs.putArray("diff_ids").add(diffId);
        return OciLayout.JSON.writeValueAsBytes(config);
    }

    private static byte[] manifest(Descriptor config, Descriptor layer) throws IOException {
        ObjectNode m = OciLayout.JSON.createObjectNode();
        m.put("schemaVersion", 2);
        m.put("mediaType", MediaTypes.OCI_MANIFEST);
        m.set("config", config.toJson());
        ArrayNode layers = m.putArray("layers");
        layers.add(layer.toJson());
        return OciLayout.JSON.writeValueAsBytes(m);
    }
}
