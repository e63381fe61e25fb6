package dev.kiln.cli;

import dev.kiln.api.Event;
import dev.kiln.api.Events;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class RendererTest {

    @Test
    void richRendererDrawsBarsInPlaceAndKeepsTheFinishedOne() {
        StringWriter out = new StringWriter();
        Events events = new Events(new RichRenderer(new PrintWriter(out), Event.Level.INFO, true), "aws");

        events.bytes("upload", 0, 4 << 20);
        events.info("snapshot snap-1 started");
        events.bytes("upload", 4 << 20, 4 << 20);

        String text = out.toString();
        assertThat(text).contains("snapshot snap-1 started");
        assertThat(text).contains("[" + "=".repeat(28) + "] 100%  4.0 MiB / 4.0 MiB");
        assertThat(text).contains("\u001b[1A\u001b[2K");
    }

    @Test
    void plainRendererPrintsProgressAtMostEveryTenthAndWarnings() {
        StringWriter out = new StringWriter();
        Events events = new Events(new PlainRenderer(new PrintWriter(out), Event.Level.INFO, true), "gcp");

        for (int i = 0; i <= 1000; i++) {
            events.items("blocks", i, 1000);
        }
        events.warn("bucket is public");
        events.debug("hidden at info level");

        String text = out.toString();
        assertThat(text.lines().filter(l -> l.contains("blocks:")).count()).isBetween(10L, 12L);
        assertThat(text).contains("[gcp] blocks: 1000 of 1000 (100%)", "[gcp] warning: bucket is public");
        assertThat(text).doesNotContain("hidden at info level").doesNotContain("\u001b[");
    }
}
