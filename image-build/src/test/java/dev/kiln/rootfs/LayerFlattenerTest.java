package dev.kiln.rootfs;

import dev.kiln.api.Events;
import dev.kiln.testing.LayerTar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LayerFlattenerTest {

    @TempDir
    Path tmp;

    private FlatImage flatten(byte[]... layers) throws IOException {
        List<TarSource> sources = java.util.Arrays.stream(layers)
                .map(l -> (TarSource) () -> new ByteArrayInputStream(l)).toList();
        return new LayerFlattener(tmp, Events.none()).flatten(sources, "test image");
    }

    @Test
    void whiteoutsAndOpaqueDirectoriesHideLowerLayers() throws IOException {
        byte[] lower = new LayerTar().dir("a").file("a/keep", "k").file("a/gone", "g").dir("b").file("b/old", "o")
                .file("c", "c").dir("d").file("d/x", "x").bytes();
        byte[] upper = new LayerTar().file("a/.wh.gone", "").dir("b").file("b/.wh..wh..opq", "").file("b/new", "n")
                .file(".wh.c", "").file("d", "now a file").bytes();
        try (FlatImage image = flatten(lower, upper)) {
            assertThat(image.entries()).extracting(TarEntry::name)
                    .containsExactly("a", "a/keep", "b", "b/new", "d");
            assertThat(read(image, "d")).isEqualTo("now a file");
        }
    }

    @Test
    void upperLayerWinsAndALaterDuplicateInOneLayerWins() throws IOException {
        byte[] lower = new LayerTar().file("f", "lower").file("g", "first").file("g", "second").bytes();
        byte[] upper = new LayerTar().file("f", "upper").bytes();
        try (FlatImage image = flatten(lower, upper)) {
            assertThat(read(image, "f")).isEqualTo("upper");
            assertThat(read(image, "g")).isEqualTo("second");
        }
    }

    @Test
    void hardLinkGroupsPutTheBytesOnTheFirstNameInSortedOrder() throws IOException {
        byte[] layer = new LayerTar().dir("z").file("z/target", "data").dir("a").hardlink("a/link", "z/target")
                .hardlink("m/other", "/z/target").bytes();
        try (FlatImage image = flatten(layer)) {
            assertThat(image.get("a/link").kind()).isEqualTo(TarEntry.Kind.FILE);
            assertThat(read(image, "a/link")).isEqualTo("data");
            assertThat(image.get("z/target").kind()).isEqualTo(TarEntry.Kind.HARDLINK);
            assertThat(image.get("z/target").linkName()).isEqualTo("a/link");
            assertThat(image.get("m/other").linkName()).as("absolute link names are confined").isEqualTo("a/link");
        }
    }

    @Test
    void entriesComeOutSortedWithParentsFirst() throws IOException {
        byte[] layer = new LayerTar().file("b/z", "1").file("a-b", "2").dir("b").file("a/c", "3").dir("a").bytes();
        try (FlatImage image = flatten(layer)) {
            assertThat(image.entries()).extracting(TarEntry::name).containsExactly("a", "a-b", "a/c", "b", "b/z");
        }
    }

    private static String read(FlatImage image, String name) throws IOException {
        try (InputStream in = image.open(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
