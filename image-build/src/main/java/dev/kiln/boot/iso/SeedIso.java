package dev.kiln.boot.iso;

import dev.kiln.boot.io.Content;
import dev.kiln.boot.io.SparseSink;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small data ISO such as a cloud-init NoCloud seed: an ISO9660 volume with Rock Ridge names, so
 * a guest sees {@code user-data}, {@code meta-data} exactly as given, under the volume label the
 * datasource looks for ({@code cidata}). Files are written in name order, so the same input gives
 * the same bytes.
 */
public final class SeedIso {

    private SeedIso() {
    }

    /**
     * @param volumeLabel the label, for example {@code cidata}, recorded as given (as genisoimage
     *                    {@code -V} does); characters other than letters, digits, '_', '.' and '-' become '_'
     * @param files       relative paths ('/' separated) and their bytes
     */
    public static void write(Path out, String volumeLabel, Map<String, byte[]> files) throws IOException {
        List<IsoFile> entries = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : new TreeMap<>(files).entrySet()) {
            entries.add(IsoFile.of(e.getKey(), Content.of(e.getValue())));
        }
        String volumeId = volumeLabel.replaceAll("[^A-Za-z0-9_.-]", "_");
        IsoLayout layout = IsoLayout.plan(IsoSpec.plain(volumeId, entries));
        try (FileChannel ch = SparseSink.open(out)) {
            SparseSink sink = new SparseSink(ch, 0);
            IsoWriter.write(layout, new byte[0], sink);
            ch.truncate(sink.position());
            if (ch.size() < sink.position()) {
                ch.write(java.nio.ByteBuffer.wrap(new byte[1]), sink.position() - 1);
            }
        }
    }
}
