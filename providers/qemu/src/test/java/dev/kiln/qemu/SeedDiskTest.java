package dev.kiln.qemu;

import dev.kiln.build.CoreConversions;
import dev.kiln.testing.HostTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The seed CD read back with genisoimage's isoinfo, as a guest would find it. */
class SeedDiskTest {

    @TempDir
    Path tmp;

    private static String isoinfo(String... args) throws Exception {
        Process p = HostTools.command(args).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", args) + ": " + out).isZero();
        return out;
    }

    @Test
    void isAVolumeLabelledCidataWithUserdataMetadataAndLinuxkitsConfig() throws Exception {
        Path iso = tmp.resolve("seed.iso");
        UUID id = UUID.randomUUID();
        byte[] userData = "{\"ssh\":{\"entries\":{}}}".getBytes(StandardCharsets.UTF_8);

        SeedDisk.write(new CoreConversions(), iso, userData, id, "web_1");

        assertThat(isoinfo("isoinfo", "-d", "-i", iso.toString())).contains("Volume id: cidata");
        assertThat(isoinfo("isoinfo", "-R", "-f", "-i", iso.toString()).lines())
                .contains("/user-data", "/meta-data", "/config");
        assertThat(isoinfo("isoinfo", "-R", "-i", iso.toString(), "-x", "/user-data"))
                .isEqualTo(new String(userData, StandardCharsets.UTF_8));
        assertThat(isoinfo("isoinfo", "-R", "-i", iso.toString(), "-x", "/config"))
                .isEqualTo(new String(userData, StandardCharsets.UTF_8));
        assertThat(isoinfo("isoinfo", "-R", "-i", iso.toString(), "-x", "/meta-data"))
                .isEqualTo("instance-id: " + id + "\nlocal-hostname: web-1\n");
    }

    @Test
    void turnsInstanceNamesIntoHostNames() {
        assertThat(SeedDisk.hostname("hello")).isEqualTo("hello");
        assertThat(SeedDisk.hostname("my image_2")).isEqualTo("my-image-2");
        assertThat(SeedDisk.hostname("-x-")).isEqualTo("x");
        assertThat(SeedDisk.hostname("__")).isEqualTo("kiln");
        assertThat(SeedDisk.hostname("a".repeat(80))).hasSize(63);
    }
}
