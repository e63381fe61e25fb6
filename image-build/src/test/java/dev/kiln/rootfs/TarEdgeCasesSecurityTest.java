package dev.kiln.rootfs;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.testing.LayerTar;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Layer tars at the edges of the format, each decided: a hard-link group that loses its first name to
 * LinuxKit's filter keeps its bytes; a file and a directory of one name resolve as tar and the OCI layer spec
 * unpack them (the later entry in a layer wins, an upper layer wins over a lower one), never as both; a name
 * that is not UTF-8 is refused, never merged with another.
 */
@Tag("security")
class TarEdgeCasesSecurityTest {

    @TempDir
    Path tmp;

    private FlatImage flatten(byte[]... layersBottomFirst) throws IOException {
        List<TarSource> sources = Arrays.stream(layersBottomFirst)
                .map(l -> (TarSource) () -> new ByteArrayInputStream(l)).toList();
        return new LayerFlattener(tmp, Events.none()).flatten(sources, "image x/edge:1");
    }

    /** The image as RootfsWriter writes it, read back: what an unpacker or the initrd would see. */
    private Map<String, String> written(FlatImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RootfsWriter w = new RootfsWriter(out)) {
            ImageTreeWriter.write(image, "", w, "x/edge:1", "services[0]", "image x/edge:1");
        }
        Map<String, String> entries = new LinkedHashMap<>();
        try (TarArchiveInputStream t = new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()), "UTF-8")) {
            for (TarArchiveEntry e = t.getNextEntry(); e != null; e = t.getNextEntry()) {
                String kind = e.isDirectory() ? "dir" : e.isLink() ? "link->" + e.getLinkName()
                        : "file:" + new String(t.readAllBytes(), StandardCharsets.UTF_8);
                assertThat(entries.put(e.getName().replaceAll("/$", ""), kind)).as("written once: " + e.getName())
                        .isNull();
            }
        }
        return entries;
    }

    @Test
    void aHardLinkGroupWhoseFirstNameIsDockerenvKeepsItsBytes() throws IOException {
        byte[] layer = new LayerTar().file(".dockerenv", "shared bytes").dir("usr").dir("usr/bin")
                .hardlink("usr/bin/tool", ".dockerenv").hardlink("usr/bin/tool2", ".dockerenv").bytes();
        try (FlatImage image = flatten(layer)) {
            assertThat(image.get(".dockerenv").kind()).as("sorted first, so it carries the bytes")
                    .isEqualTo(TarEntry.Kind.FILE);
            ContainerFilter.apply(image, false);
            Map<String, String> tar = written(image);
            assertThat(tar).doesNotContainKey(".dockerenv");
            assertThat(tar.get("usr/bin/tool")).isEqualTo("file:shared bytes");
            assertThat(tar.get("usr/bin/tool2")).isEqualTo("link->usr/bin/tool");
        }
    }

    @Test
    void replacingAHardLinkedEtcHostsLeavesTheOtherNameItsOldBytes() throws IOException {
        byte[] layer = new LayerTar().dir("etc").file("etc/hosts", "old hosts").hardlink("etc/hosts.orig", "etc/hosts")
                .bytes();
        try (FlatImage image = flatten(layer)) {
            ContainerFilter.apply(image, false);
            Map<String, String> tar = written(image);
            assertThat(tar.get("etc/hosts")).startsWith("file:127.0.0.1");
            assertThat(tar.get("etc/hosts.orig")).isEqualTo("file:old hosts");
        }
    }

    @Test
    void inOneLayerALaterFileReplacesADirectoryAndEverythingBelowIt() throws IOException {
        byte[] layer = new LayerTar().dir("a").file("a/x", "below").file("a", "file wins").bytes();
        try (FlatImage image = flatten(layer)) {
            assertThat(written(image)).containsExactly(Map.entry("a", "file:file wins"));
        }
    }

    @Test
    void inOneLayerALaterDirectoryReplacesAFile() throws IOException {
        byte[] layer = new LayerTar().file("a", "file").dir("a").file("a/x", "below").bytes();
        try (FlatImage image = flatten(layer)) {
            assertThat(written(image)).containsExactly(Map.entry("a", "dir"), Map.entry("a/x", "file:below"));
        }
    }

    @Test
    void inOneLayerAnEntryBelowAFileIsRefusedAsTarWouldFail() {
        byte[] layer = new LayerTar().file("a", "file").file("a/x", "below").bytes();
        assertThatThrownBy(() -> flatten(layer)).isInstanceOf(KilnException.class)
                .hasMessageContaining("image x/edge:1").hasMessageContaining("'a/x' lies below 'a'")
                .hasMessageContaining("not a directory");
    }

    @Test
    void anUpperFileHidesALowerDirectoryAndAnUpperDirectoryALowerFile() throws IOException {
        byte[] lower = new LayerTar().dir("a").file("a/x", "lower").file("b", "lower file").bytes();
        byte[] upper = new LayerTar().file("a", "upper file").dir("b").file("b/y", "upper").bytes();
        try (FlatImage image = flatten(lower, upper)) {
            assertThat(written(image)).containsExactly(Map.entry("a", "file:upper file"), Map.entry("b", "dir"),
                    Map.entry("b/y", "file:upper"));
        }
    }

    /** The upper layer names no entry for "a" itself, but its "a/y" needs a directory there: the lower file goes. */
    @Test
    void anUpperEntryBelowALowerFileMakesItADirectory() throws IOException {
        byte[] bottom = new LayerTar().dir("a").file("a/z", "bottom").bytes();
        byte[] middle = new LayerTar().file("a", "middle file").bytes();
        byte[] upper = new LayerTar().file("a/y", "upper").bytes();
        try (FlatImage image = flatten(bottom, middle, upper)) {
            assertThat(written(image)).as("the middle file hid the bottom directory; the upper layer's a/ holds only y")
                    .containsExactly(Map.entry("a", "dir"), Map.entry("a/y", "file:upper"));
        }
    }

    @Test
    void twoNamesThatAreNotUtf8AreRefusedInsteadOfMerged() {
        byte[] layer = LayerTar.rawNames().file("caf\u00e9", "latin-1 e-acute").file("caf\u00ff", "y-diaeresis").bytes();
        assertThatThrownBy(() -> flatten(layer)).isInstanceOf(KilnException.class)
                .hasMessageContaining("image x/edge:1").hasMessageContaining("'caf\\xe9'")
                .hasMessageContaining("not valid UTF-8");
    }

    @Test
    void aPaxNameThatIsNotUtf8IsRefused() {
        byte[] layer = new LayerTar().paxPath(new byte[] {'a', (byte) 0xff, 'b'}, "placeholder").bytes();
        assertThatThrownBy(() -> flatten(layer)).isInstanceOf(KilnException.class)
                .hasMessageContaining("not valid UTF-8").hasMessageContaining("a\\ufffdb");
    }

    @Test
    void utf8NamesInHeadersAndPaxRecordsKeepTheirBytes() throws IOException {
        byte[] utf8 = "caf\u00e9/\u65e5\u672c".getBytes(StandardCharsets.UTF_8);
        byte[] layer = LayerTar.rawNames().file(new String(utf8, StandardCharsets.ISO_8859_1), "raw utf-8 header")
                .paxPath("na\u00efve".getBytes(StandardCharsets.UTF_8), "p").file("ok", "ascii").bytes();
        try (FlatImage image = flatten(layer)) {
            assertThat(image.entries()).extracting(TarEntry::name)
                    .containsExactly("caf\u00e9/\u65e5\u672c", "na\u00efve", "ok");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (RootfsWriter w = new RootfsWriter(out)) {
                ImageTreeWriter.write(image, "", w, "x", "y", "image x/edge:1");
            }
            Path rootfs = Files.write(tmp.resolve("rootfs.tar"), out.toByteArray());
            InitrdWriter.Split split = InitrdWriter.split(rootfs, Files.createDirectories(tmp.resolve("out")));
            byte[] cpio;
            try (InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(split.initrd()))) {
                cpio = in.readAllBytes();
            }
            assertThat(indexOf(cpio, utf8)).as("the initrd holds the name's own UTF-8 bytes").isPositive();
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
