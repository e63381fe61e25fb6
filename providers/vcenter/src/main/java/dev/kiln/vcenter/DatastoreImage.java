package dev.kiln.vcenter;

import dev.kiln.api.KilnException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code run vcenter} image given as a datastore path, {@code [DS] folder/name.iso}, as {@code push vcenter
 * --target datastore} reports it. An ISO gets a VM made around it. A VMDK is refused: kiln's VMDK is
 * stream-optimized (what OVF and content libraries take), and ESXi cannot attach that as a disk as it is.
 */
record DatastoreImage(String datastore, String path) {

    private static final int SECTOR = 2048;
    private static final Pattern PATH = Pattern.compile("\\[([^\\]]+)\\]\\s*(.+)");

    /** Empty when {@code image} is not a datastore path (then it names a library item). */
    static Optional<DatastoreImage> parse(String image) {
        Matcher m = PATH.matcher(image.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        DatastoreImage found = new DatastoreImage(m.group(1), m.group(2).trim());
        return Optional.of(found);
    }

    /** As {@link #parse}, refusing what kiln cannot boot from a datastore. */
    static Optional<DatastoreImage> bootable(String image) {
        Optional<DatastoreImage> found = parse(image);
        found.ifPresent(i -> {
            String lower = i.path().toLowerCase(Locale.ROOT);
            if (lower.endsWith(".vmdk")) {
                throw KilnException.usage("Cannot run " + image + ": kiln's VMDK is stream-optimized, which ESXi"
                        + " does not boot from a datastore as it is; push the OVA into a content library (kiln push"
                        + " vcenter) and run that, or push an ISO with --target datastore");
            }
            if (!lower.endsWith(".iso")) {
                throw KilnException.usage("Cannot run " + image + ": a datastore image must be an .iso (as kiln"
                        + " push vcenter --target datastore puts there); a library item is named without [DS]");
            }
        });
        return found;
    }

    /**
     * The firmware the ISO boots with, from its El Torito boot catalog (the boot record in sector 17 points to
     * it; each entry's platform id is 0 for BIOS, 0xEF for EFI): efi when it boots both ways, empty when it
     * has no catalog.
     */
    Optional<String> firmware(DatastoreFiles files) throws InterruptedException {
        byte[] record = files.readRange(path, 17L * SECTOR, 0x4b);
        if (record.length < 0x4b || record[0] != 0
                || !new String(record, 1, 5, StandardCharsets.US_ASCII).equals("CD001")
                || !new String(record, 7, 23, StandardCharsets.US_ASCII).equals("EL TORITO SPECIFICATION")) {
            return Optional.empty();
        }
        long catalog = Integer.toUnsignedLong(ByteBuffer.wrap(record, 0x47, 4).order(ByteOrder.LITTLE_ENDIAN)
                .getInt());
        byte[] entries = files.readRange(path, catalog * SECTOR, SECTOR);
        boolean bios = false;
        boolean efi = false;
        for (int at = 0; at + 32 <= entries.length; at += 32) {
            int header = entries[at] & 0xff;
            if (at == 0 && header == 0x01 || at > 0 && (header == 0x90 || header == 0x91)) {
                int platform = entries[at + 1] & 0xff;
                bios |= platform == 0;
                efi |= platform == 0xef;
            }
        }
        return efi ? Optional.of("efi") : bios ? Optional.of("bios") : Optional.empty();
    }

    String display() {
        return "[" + datastore + "] " + path;
    }
}
