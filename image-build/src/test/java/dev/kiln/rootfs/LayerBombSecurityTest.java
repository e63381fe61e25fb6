package dev.kiln.rootfs;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.testing.LayerTar;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A small compressed layer that expands far (a gzip bomb) stops at --max-layer-size, counted while unpacking. */
@Tag("security")
class LayerBombSecurityTest {

    @TempDir
    Path tmp;

    @Test
    void aLayerExpandingPastTheLimitIsRefusedNamingIt() throws Exception {
        byte[] tar = new LayerTar().fileBytes("zeros", new byte[4 << 20]).bytes();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(tar);
        }
        assertThat(gz.size()).isLessThan(64 << 10);
        TarSource bomb = () -> new GZIPInputStream(new ByteArrayInputStream(gz.toByteArray()));

        assertThatThrownBy(() -> new LayerFlattener(tmp, Events.none(), 1 << 20).flatten(List.of(bomb), "image x/bomb:1"))
                .isInstanceOf(KilnException.class).hasMessageContaining("image x/bomb:1")
                .hasMessageContaining("--max-layer-size");
        try (FlatImage ok = new LayerFlattener(tmp, Events.none(), 8 << 20).flatten(List.of(bomb), "image x/bomb:1")) {
            assertThat(ok.item("zeros")).isNotNull();
        }
    }
}
