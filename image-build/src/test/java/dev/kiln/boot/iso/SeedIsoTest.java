package dev.kiln.boot.iso;

import dev.kiln.boot.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SeedIsoTest {

    @TempDir
    Path dir;

    private Map<String, byte[]> seed() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("user-data", "#cloud-config\nhostname: kiln\n".getBytes(StandardCharsets.UTF_8));
        files.put("meta-data", "instance-id: i-1\n".getBytes(StandardCharsets.UTF_8));
        files.put("config", new byte[5000]);
        files.put("openstack/latest/user_data.json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        return files;
    }

    @Test
    void isoinfoSeesTheLabelAndRockRidgeNames() throws Exception {
        Path iso = dir.resolve("seed.iso");
        SeedIso.write(iso, "cidata", seed());

        String pvd = Tools.ok("isoinfo", "-d", "-i", iso.toString());
        assertThat(pvd).contains("Volume id: cidata").contains("Rock Ridge signatures version 1 found");
        String listing = Tools.ok("isoinfo", "-R", "-f", "-i", iso.toString());
        assertThat(listing.lines()).containsExactlyInAnyOrder("/config", "/meta-data", "/openstack",
                "/user-data", "/openstack/latest", "/openstack/latest/user_data.json");
    }

    @Test
    void filesReadBackByteForByte() throws Exception {
        Path iso = dir.resolve("seed.iso");
        SeedIso.write(iso, "cidata", seed());

        for (Map.Entry<String, byte[]> e : seed().entrySet()) {
            Path out = dir.resolve("x-" + e.getKey().replace('/', '_'));
            Tools.ok("xorriso", "-osirrox", "on", "-indev", iso.toString(), "-extract", "/" + e.getKey(), out.toString());
            assertThat(Files.readAllBytes(out)).as(e.getKey()).isEqualTo(e.getValue());
        }
    }

    @Test
    void sameInputGivesSameBytes() throws Exception {
        Path a = dir.resolve("a.iso");
        Path b = dir.resolve("b.iso");
        SeedIso.write(a, "cidata", seed());
        SeedIso.write(b, "cidata", new java.util.TreeMap<>(seed()));

        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        assertThat(Files.size(a) % 2048).isZero();
    }
}
