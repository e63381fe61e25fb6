package dev.kiln.testing;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Builds layer tars for tests, including entries no well-behaved tool would write. */
public final class LayerTar {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar;

    public LayerTar() {
        this("UTF-8");
    }

    private LayerTar(String encoding) {
        tar = new TarArchiveOutputStream(bytes, encoding);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    }

    /**
     * A layer whose names are stored one byte per char (ISO-8859-1, no PAX record): {@code "a\u00ffb"} is the
     * three bytes 61 ff 62, as an old tool writing names in the bytes it found on disk would.
     */
    public static LayerTar rawNames() {
        return new LayerTar("ISO-8859-1");
    }

    /** A PAX extended header whose {@code path} record holds exactly {@code path}'s bytes, then an empty file. */
    public LayerTar paxPath(byte[] path, String placeholder) {
        try {
            byte[] body = new byte[path.length + " path=\n".length()];
            int length = body.length + String.valueOf(body.length).length();
            length = body.length + String.valueOf(length).length();
            java.io.ByteArrayOutputStream record = new java.io.ByteArrayOutputStream();
            record.write((length + " path=").getBytes(StandardCharsets.US_ASCII));
            record.write(path);
            record.write('\n');
            TarArchiveEntry pax = new TarArchiveEntry("PaxHeaders/" + placeholder, TarConstants.LF_PAX_EXTENDED_HEADER_LC,
                    true);
            pax.setSize(record.size());
            tar.putArchiveEntry(pax);
            tar.write(record.toByteArray());
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file(placeholder, "");
    }

    public LayerTar dir(String name) {
        return put(new TarArchiveEntry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, true), 0755, null);
    }

    public LayerTar file(String name, String content) {
        return file(name, content, 0644);
    }

    public LayerTar file(String name, String content, int mode) {
        return put(new TarArchiveEntry(name, TarConstants.LF_NORMAL, true), mode,
                content.getBytes(StandardCharsets.UTF_8));
    }

    public LayerTar fileBytes(String name, byte[] content) {
        return fileBytes(name, content, 0644);
    }

    public LayerTar fileBytes(String name, byte[] content, int mode) {
        return put(new TarArchiveEntry(name, TarConstants.LF_NORMAL, true), mode, content);
    }

    public LayerTar symlink(String name, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
        e.setLinkName(target);
        return put(e, 0777, null);
    }

    public LayerTar hardlink(String name, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
        e.setLinkName(target);
        return put(e, 0644, null);
    }

    public LayerTar charDevice(String name, int major, int minor) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_CHR, true);
        e.setDevMajor(major);
        e.setDevMinor(minor);
        return put(e, 0600, null);
    }

    public byte[] bytes() {
        try {
            tar.finish();
            tar.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private LayerTar put(TarArchiveEntry e, int mode, byte[] data) {
        try {
            e.setMode(mode);
            e.setSize(data == null ? 0 : data.length);
            tar.putArchiveEntry(e);
            if (data != null) {
                tar.write(data);
            }
            tar.closeArchiveEntry();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return this;
    }
}
