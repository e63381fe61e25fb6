package dev.kiln.config;

import dev.kiln.api.Events;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigMergerTest {

    @TempDir
    Path dir;

    @Test
    void kernelFieldsOverrideAndListsAppendInFileOrderWithStdinInTheMiddle() throws IOException {
        Path base = write("base.yml", """
                kernel: {image: k:1, cmdline: console=tty0, tar: none}
                init: [init:1]
                services: [{name: a, image: a:1}]
                files: [{path: etc/a, contents: a}]
                """);
        Path over = write("over.yml", """
                kernel: {cmdline: console=ttyS0}
                init: [extra:1]
                services: [{name: c, image: c:1}]
                """);
        String stdin = "services: [{name: b, image: b:1}]\nvolumes: [{name: v}]\n";
        ConfigMerger merger = new ConfigMerger(Events.none(),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));

        KilnConfig c = merger.load(List.of(base, Path.of("-"), over));

        assertThat(c.kernel()).isEqualTo(new KernelSpec("k:1", "console=ttyS0", null, "none", null));
        assertThat(c.init()).containsExactly("init:1", "extra:1");
        assertThat(c.services()).extracting(ImageSpec::name).containsExactly("a", "b", "c");
        assertThat(c.volumes()).extracting(VolumeSpec::name).containsExactly("v");
        assertThat(c.files()).hasSize(1);
    }

    @Test
    void duplicateServiceAcrossFilesNamesTheSecondOne() throws IOException {
        Path a = write("a.yml", "services: [{name: s, image: a}]\n");
        Path b = write("b.yml", "\n\nservices:\n  - name: s\n    image: b\n");
        assertThatThrownBy(() -> new ConfigMerger(Events.none(), InputStream.nullInputStream()).load(List.of(a, b)))
                .hasMessageContaining(b + ":4:5").hasMessageContaining("duplicate service name 's'");
    }

    @Test
    void dryRunYamlRoundTripsThroughTheParser() throws IOException {
        Path a = write("a.yml", """
                kernel: {image: k:1, cmdline: "console=ttyS0 quiet"}
                init: [init:1]
                onboot: [{name: x, image: x:1, command: [], uid: x, capabilities: [all]}]
                files: [{path: etc/empty, contents: ""}]
                """);
        KilnConfig c = new ConfigMerger(Events.none(), InputStream.nullInputStream()).load(List.of(a));
        String printed = ConfigPrinter.yaml(c);
        assertThat(printed).contains("cmdline: console=ttyS0 quiet").contains("command: []");
        assertThat(ConfigPrinter.yaml(new ConfigParser(Events.none()).parse("printed", printed))).isEqualTo(printed);
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
