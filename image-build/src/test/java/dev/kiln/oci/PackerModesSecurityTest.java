package dev.kiln.oci;

import dev.kiln.api.Events;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** kiln cache pack keeps setuid, setgid and sticky bits: /tmp 1777 stays 1777, su 4755 stays 4755. */
@Tag("security")
class PackerModesSecurityTest {

    @TempDir
    Path work;

    @Test
    void specialBitsAreKept() throws Exception {
        Path tree = Files.createDirectories(work.resolve("t"));
        Path tmp = Files.createDirectories(tree.resolve("tmp"));
        Path su = Files.writeString(tree.resolve("su"), "#!/bin/sh\n");
        Path sg = Files.writeString(tree.resolve("sg"), "#!/bin/sh\n");
        Files.setAttribute(tmp, "unix:mode", 01777);
        Files.setAttribute(su, "unix:mode", 04755);
        Files.setAttribute(sg, "unix:mode", 02755);
        OciLayout layout = OciLayout.open(work.resolve("c"));

        Packer.Packed p = new Packer(layout, Events.none()).pack(tree, "kiln/t:1", Platform.AMD64, Map.of());

        Map<String, Integer> modes = new HashMap<>();
        try (InputStream in = Files.newInputStream(layout.blobPath(p.layer().digest()));
             TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                modes.put(e.getName(), e.getMode() & 07777);
            }
        }
        assertThat(modes).containsEntry("tmp/", 01777).containsEntry("su", 04755).containsEntry("sg", 02755);
    }
}
