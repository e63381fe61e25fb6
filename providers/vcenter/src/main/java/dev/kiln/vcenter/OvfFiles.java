package dev.kiln.vcenter;

import dev.kiln.api.Artifact;
import dev.kiln.api.BoundedInputStream;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.KilnException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The files of an OVF template, each a byte range of a file on disk: the {@code .ovf} first, then its disks. An
 * OVA is split on the fly, by reading its tar headers and pointing into the archive, so nothing is copied; an
 * OVF artifact ({@code ovf}, {@code disk-1}...) is its files as they are. A manifest ({@code .mf}) is left out,
 * as a content library rejects one whose digests it does not check.
 */
record OvfFiles(List<Part> parts) {

    /** One file of the template: its name in the library item, and where its bytes are. */
    record Part(String name, Path file, long offset, long size) {

        InputStream open() throws IOException {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            ch.position(offset);
            return BoundedInputStream.window(Channels.newInputStream(ch), size);
        }
    }

    /** The same files with the .ovf replaced by {@code file}. */
    OvfFiles withDescriptor(Path file) throws IOException {
        List<Part> out = new ArrayList<>(parts);
        out.set(0, new Part(parts.get(0).name(), file, 0, Files.size(file)));
        return new OvfFiles(List.copyOf(out));
    }

    /** The .ovf descriptor's text. */
    String descriptor() throws IOException {
        try (InputStream in = parts.get(0).open()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    long totalBytes() {
        return parts.stream().mapToLong(Part::size).sum();
    }

    static OvfFiles of(Artifact artifact) {
        try {
            if (artifact.format().equals(ImageFormat.OVA) || artifact.files().size() == 1
                    && artifact.primary().toString().toLowerCase(Locale.ROOT).endsWith(".ova")) {
                return ova(artifact.primary());
            }
            List<Part> parts = new ArrayList<>();
            for (Path p : artifact.files().values()) {
                if (!p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".mf")) {
                    parts.add(new Part(p.getFileName().toString(), p, 0, Files.size(p)));
                }
            }
            parts.sort((a, b) -> Boolean.compare(!a.name().endsWith(".ovf"), !b.name().endsWith(".ovf")));
            check(parts, artifact.primary());
            return new OvfFiles(List.copyOf(parts));
        } catch (IOException e) {
            throw KilnException.tried("read the OVF files of " + artifact.primary(), e.toString(), "");
        }
    }

    /** The entries of a ustar OVA, as ranges of the archive. */
    static OvfFiles ova(Path ova) throws IOException {
        List<Part> parts = new ArrayList<>();
        long length = Files.size(ova);
        try (FileChannel ch = FileChannel.open(ova, StandardOpenOption.READ)) {
            long pos = 0;
            String longName = null;
            byte[] header = new byte[512];
            while (pos + 512 <= length) {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(header);
                while (buf.hasRemaining() && ch.read(buf, pos + buf.position()) > 0) {
                    // reads the whole header
                }
                if (allZero(header)) {
                    break;
                }
                String name = text(header, 0, 100);
                String prefix = text(header, 345, 155);
                long size = octal(header, 124, 12);
                char type = (char) header[156];
                long data = pos + 512;
                if (type == 'L') {
                    byte[] n = new byte[(int) size];
                    ch.read(java.nio.ByteBuffer.wrap(n), data);
                    longName = new String(n, StandardCharsets.UTF_8).replace("\0", "");
                } else if (type == '0' || type == '\0') {
                    String full = longName != null ? longName : prefix.isEmpty() ? name : prefix + "/" + name;
                    longName = null;
                    String base = full.substring(full.lastIndexOf('/') + 1);
                    if (!base.toLowerCase(Locale.ROOT).endsWith(".mf")) {
                        parts.add(new Part(base, ova, data, size));
                    }
                }
                pos = data + (size + 511) / 512 * 512;
            }
        }
        check(parts, ova);
        return new OvfFiles(List.copyOf(parts));
    }

    private static void check(List<Part> parts, Path from) {
        if (parts.isEmpty() || !parts.get(0).name().toLowerCase(Locale.ROOT).endsWith(".ovf")) {
            throw KilnException.usage(from + " is not an OVA/OVF kiln can push: its first file must be the .ovf"
                    + " descriptor (found " + parts.stream().map(Part::name).toList() + "); build it with -f ova");
        }
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static String text(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] b, int off, int len) {
        if ((b[off] & 0x80) != 0) {
            long v = 0;
            for (int i = off + 1; i < off + len; i++) {
                v = (v << 8) | (b[i] & 0xff);
            }
            return v;
        }
        String s = text(b, off, len).trim();
        return s.isEmpty() ? 0 : Long.parseLong(s, 8);
    }
}
