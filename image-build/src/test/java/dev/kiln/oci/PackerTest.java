package dev.kiln.oci;

import dev.kiln.api.Events;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PackerTest {

    @TempDir
    Path work;

    private Path tree(String name, Instant mtime) throws Exception {
        Path dir = Files.createDirectories(work.resolve(name));
        Files.createDirectories(dir.resolve("b/sub"));
        Files.writeString(dir.resolve("b/sub/z"), "z");
        Files.writeString(dir.resolve("a"), "a");
        Files.writeString(dir.resolve("run.sh"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(dir.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(dir.resolve("link"), Path.of("a"));
        for (String f : List.of("a", "b/sub/z", "run.sh", "b/sub", "b")) {
            Files.setLastModifiedTime(dir.resolve(f), FileTime.from(mtime));
        }
        return dir;
    }

    @Test
    void theSameTreeGivesTheSameDigestsWhateverItsTimestamps() throws Exception {
        Packer.Packed one = new Packer(OciLayout.open(work.resolve("c1")), Events.none())
                .pack(tree("t1", Instant.parse("2020-01-01T00:00:00Z")), "kiln/t:1", Platform.AMD64, Map.of("k", "v"));
        Packer.Packed two = new Packer(OciLayout.open(work.resolve("c2")), Events.none())
                .pack(tree("t2", Instant.parse("2024-06-01T12:00:00Z")), "kiln/t:1", Platform.AMD64, Map.of("k", "v"));

        assertThat(one.layer().digest()).isEqualTo(two.layer().digest());
        assertThat(one.manifest().digest()).isEqualTo(two.manifest().digest());
    }

    @Test
    void theLayerIsASortedTarWithFixedMtimesRootOwnershipAndModesKept() throws Exception {
        OciLayout layout = OciLayout.open(work.resolve("c"));
        Packer.Packed p = new Packer(layout, Events.none()).pack(tree("t", Instant.now()), "kiln/t:1", Platform.AMD64, Map.of());

        String listing = LocalRegistry.run(work, List.of("tar", "--utc", "-tvzf", layout.blobPath(p.layer().digest()).toString()));
        assertThat(listing.lines().map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList())
                .containsExactly("a", "b/", "b/sub/", "b/sub/z", "a", "run.sh");
        assertThat(listing).contains("lrwxrwxrwx 0/0").contains("-rwxr-xr-x 0/0").contains("2017-04-18 16:30");
        assertThat(listing.lines().filter(l -> l.contains("link -> a"))).hasSize(1);
    }

    @Test
    void theImageIsNamedInTheCacheWithItsPlatformAndLabels() throws Exception {
        OciLayout layout = OciLayout.open(work.resolve("c"));
        new Packer(layout, Events.none()).pack(tree("t", Instant.now()), "kiln/t:1", Platform.ARM64,
                Map.of("org.mobyproject.config", "{}"));

        LocalImage image = new CacheReader(layout).find(ImageReference.parse("kiln/t:1"), Platform.ARM64).orElseThrow();
        assertThat(image.reference()).isEqualTo("docker.io/kiln/t:1");
        assertThat(image.config().path("architecture").asText()).isEqualTo("arm64");
        assertThat(image.config().path("config").path("Labels").path("org.mobyproject.config").asText()).isEqualTo("{}");
        assertThat(image.config().path("rootfs").path("diff_ids")).hasSize(1);
    }
}
