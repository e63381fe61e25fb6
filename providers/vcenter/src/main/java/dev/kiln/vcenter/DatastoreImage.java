package dev.kiln.vcenter;

import dev.kiln.api.KilnException;

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

    String display() {
        return "[" + datastore + "] " + path;
    }
}
