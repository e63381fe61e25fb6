package dev.kiln.config;

import dev.kiln.api.Event;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hostile configurations (issue 20): ids that wrap, duplicate keys, names that are paths, endless input. */
@Tag("security")
class ConfigSecurityTest {

    private final List<Event> events = new ArrayList<>();
    private final ConfigParser parser = new ConfigParser(new Events(events::add, "build"));

    @TempDir
    Path dir;

    @Test
    void aGidOf2To32IsRefusedNotWrappedToRoot() {
        String yaml = """
                services:
                  - name: web
                    image: nginx:1
                    gid: 4294967296
                """;
        assertThatThrownBy(() -> parser.parse("a.yml", yaml)).isInstanceOf(KilnException.class)
                .hasMessageContaining("a.yml:4:")
                .hasMessageContaining("4294967296 is out of range");
    }

    @Test
    void negativeAndHugeIdsAreRefusedInFilesAndAdditionalGids() {
        assertThatThrownBy(() -> parser.parse("a.yml", "files:\n  - path: etc/x\n    contents: x\n    uid: -1\n"))
                .hasMessageContaining("-1 is out of range");
        assertThatThrownBy(() -> parser.parse("a.yml",
                "onboot:\n  - name: a\n    image: a:1\n    additionalGids: [99999999999999999999999]\n"))
                .hasMessageContaining("out of range");
        assertThat(parser.parse("a.yml", "onboot:\n  - name: a\n    image: a:1\n    uid: 4294967295\n")
                .onboot().get(0).config().uid().number()).isEqualTo(4294967295L);
    }

    @Test
    void aDuplicateKeyIsRefusedNamingBothPlaces() {
        String yaml = """
                onboot:
                  - name: a
                    image: a:1
                    name: b
                """;
        assertThatThrownBy(() -> parser.parse("a.yml", yaml)).isInstanceOf(KilnException.class)
                .hasMessageContaining("duplicate key 'name'")
                .hasMessageContaining("a.yml:4:5")
                .hasMessageContaining("first at a.yml:2:5");
    }

    @Test
    void aDuplicateKeyInAFreeFormMapIsRefusedToo() {
        String yaml = """
                onboot:
                  - name: a
                    image: a:1
                    sysctl:
                      net.ipv4.ip_forward: "1"
                      net.ipv4.ip_forward: "0"
                """;
        assertThatThrownBy(() -> parser.parse("a.yml", yaml)).hasMessageContaining("duplicate key 'net.ipv4.ip_forward'");
    }

    @Test
    void aNameThatIsAPathIsRefused() throws Exception {
        for (String name : List.of("../../x", "a/b", "..", ".hidden", "x\u0000y")) {
            Path file = dir.resolve("c.yml");
            Files.writeString(file, "services:\n  - name: \"" + name.replace("\u0000", "\\0") + "\"\n    image: a:1\n");
            assertThatThrownBy(() -> new ConfigMerger(new Events(events::add, "build"), InputStream.nullInputStream())
                    .load(List.of(file))).as(name).isInstanceOf(KilnException.class).hasMessageContaining("is not allowed");
        }
    }

    /** An endless stdin (/dev/zero) is refused after the cap: it is never read whole into memory. */
    @Test
    void anEndlessInputIsRefusedAtTheCapWhileReading() {
        AtomicLong served = new AtomicLong();
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                served.incrementAndGet();
                return 'a';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) 'a');
                served.addAndGet(len);
                return len;
            }
        };
        assertThatThrownBy(() -> new ConfigMerger(new Events(events::add, "build"), endless).load(List.of(Path.of("-"))))
                .isInstanceOf(KilnException.class).hasMessageContaining("<stdin>").hasMessageContaining("larger than");
        assertThat(served.get()).isLessThanOrEqualTo(YamlDocument.MAX_BYTES + 65536L);
    }

    @Test
    void aSmallConfigStillReads() throws Exception {
        Path file = dir.resolve("ok.yml");
        Files.writeString(file, "services:\n  - name: web-1.x\n    image: a:1\n", StandardCharsets.UTF_8);
        assertThat(new ConfigMerger(new Events(events::add, "build"), InputStream.nullInputStream()).load(List.of(file))
                .services()).hasSize(1);
    }
}
