package dev.kiln.rootfs;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A layer tar whose entry names and link targets are UTF-8, byte for byte, or refused.
 *
 * <p>Policy: kiln's root filesystem, initramfs and disk writers carry names as UTF-8 text, so a name that is
 * not valid UTF-8 cannot be kept byte-exactly; it is <em>refused</em> with the bytes shown as {@code \xNN},
 * never decoded to a lookalike. A decoder that replaces bad bytes (commons-compress writes {@code ?} for a
 * header name, U+FFFD for a PAX one) would make two different names one, silently; one that follows the
 * platform's locale would read the same layer differently under {@code LANG=C}. So header and GNU long
 * names are read as ISO-8859-1 (one char per byte, nothing lost) and decoded strictly here; PAX names, which
 * commons-compress decodes itself, are refused when they hold U+FFFD, the mark of a byte it could not decode
 * (a name that really holds U+FFFD is refused too).
 */
final class LayerTarInput extends TarArchiveInputStream {

    private static final int TYPEFLAG = 156;
    private final String what;
    private byte[] header;
    private boolean pax;
    private boolean gnuName;
    private boolean gnuLink;
    private String name;

    LayerTarInput(InputStream in, String what) {
        super(in, "ISO-8859-1");
        this.what = what;
    }

    /**
     * The next entry with its link target checked and decoded, or null at the end; its name, checked and decoded,
     * is {@link #name()} (commons-compress's setName would drop a leading '/', which the caller must see).
     */
    TarArchiveEntry next() throws IOException {
        header = null;
        pax = false;
        gnuName = false;
        gnuLink = false;
        TarArchiveEntry e = getNextEntry();
        if (e == null) {
            return null;
        }
        boolean fromHeader = header != null && sameName(e.getName(), field(header, 0, 100));
        name = decode(e.getName(), fromHeader || gnuName && !pax, gnuName && pax, "name", e.getName());
        if (e.isLink() || e.isSymbolicLink()) {
            boolean linkFromHeader = header != null && e.getLinkName().equals(field(header, 157, 100));
            String link = decode(e.getLinkName(), linkFromHeader || gnuLink && !pax, gnuLink && pax, "link target",
                    name);
            if (!link.equals(e.getLinkName())) {
                e.setLinkName(link);
            }
        }
        return e;
    }

    /** The current entry's name as stored (a leading '/' kept), decoded as UTF-8. */
    String name() {
        return name;
    }

    /** Sees every header record: PAX ('x', 'g') and GNU long-name ('L', 'K') records, then the entry's own. */
    @Override
    protected byte[] readRecord() throws IOException {
        byte[] record = super.readRecord();
        if (record != null && header == null) {
            switch (record[TYPEFLAG]) {
                case 'x', 'g' -> pax = true;
                case 'L' -> gnuName = true;
                case 'K' -> gnuLink = true;
                default -> header = record;
            }
        }
        return record;
    }

    /**
     * @param fromBytes true when {@code text} holds the stored bytes one char each (a header field or a GNU long
     *                  name), false when it came from a PAX record commons-compress decoded as UTF-8; when both
     *                  a GNU long name and a PAX record came before the entry, either could have named it, and
     *                  a name that could be bytes is read as bytes
     */
    private String decode(String text, boolean fromBytes, boolean either, String field, String entry) {
        if (fromBytes || either && text.chars().allMatch(c -> c <= 0xff)) {
            String decoded = utf8(text);
            return decoded != null ? decoded : refuse(text, field, entry);
        }
        return text.indexOf('\ufffd') < 0 ? text : refuse(text, field, entry);
    }

    /** The UTF-8 text whose bytes {@code latin1} holds one per char, or null when they are not UTF-8. */
    private static String utf8(String latin1) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(latin1.getBytes(StandardCharsets.ISO_8859_1))).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private String refuse(String text, String field, String entry) {
        throw LayerFlattener.malformed(what, "the " + field + " of its entry '" + escape(entry) + "' is '"
                + escape(text) + "', which is not valid UTF-8; kiln keeps names byte for byte as UTF-8 and will not"
                + " guess another spelling, which could make two names one");
    }

    /** ASCII as is, every other char as \xNN (a byte) or \\uNNNN (a decoded char), so nothing raw reaches a terminal. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder();
        s.chars().forEach(c -> b.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c)
                : c <= 0xff ? String.format("\\x%02x", c) : String.format("\\u%04x", c)));
        return b.toString();
    }

    private static boolean sameName(String name, String field) {
        return trimSlash(name).equals(trimSlash(field)) || trimSlash(name).endsWith("/" + trimSlash(field));
    }

    private static String trimSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** A NUL-terminated header field as ISO-8859-1, one char per byte. */
    private static String field(byte[] record, int offset, int length) {
        int end = offset;
        while (end < offset + length && record[end] != 0) {
            end++;
        }
        return new String(record, offset, end - offset, StandardCharsets.ISO_8859_1);
    }
}
