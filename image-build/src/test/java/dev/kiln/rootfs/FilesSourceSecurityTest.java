package dev.kiln.rootfs;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.config.ConfigParser;
import dev.kiln.config.KilnConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code files: source:} may embed any host file (LinuxKit does); kiln lists those and can confine them. */
@Tag("security")
class FilesSourceSecurityTest {

    @TempDir
    Path dir;

    private KilnConfig config(Path yamlDir, String source) throws IOException {
        Files.createDirectories(yamlDir);
        Path yaml = yamlDir.resolve("image.yml");
        String text = "files:\n  - path: etc/x\n    source: " + source + "\n";
        Files.writeString(yaml, text);
        return new ConfigParser(Events.none()).parse(yaml.toString(), text);
    }

    private FilesSection write(KilnConfig config, Path root) throws IOException {
        FilesSection files = new FilesSection(Map.of(), dir.resolve("home"), root);
        try (RootfsWriter out = new RootfsWriter(new ByteArrayOutputStream())) {
            files.write(config, out);
        }
        return files;
    }

    @Test
    void aSourceOutsideTheYamlFolderIsListed() throws IOException {
        Path secret = Files.writeString(dir.resolve("shadow"), "root:x:\n");
        FilesSection files = write(config(dir.resolve("project"), secret.toString()), null);
        assertThat(files.outsideSources()).containsExactly(secret.toRealPath().toString());
    }

    @Test
    void aSourceBesideTheYamlIsNotListed() throws IOException {
        Path project = dir.resolve("project");
        Files.createDirectories(project);
        Path ok = Files.writeString(project.resolve("motd"), "hi\n");
        assertThat(write(config(project, ok.toString()), null).outsideSources()).isEmpty();
    }

    @Test
    void filesRootRefusesASourceOutsideItEvenThroughASymlink() throws IOException {
        Path project = dir.resolve("project");
        Files.createDirectories(project);
        Path secret = Files.writeString(dir.resolve("credentials"), "aws_secret_access_key=x\n");
        Path link = Files.createSymbolicLink(project.resolve("innocent"), secret);
        KilnConfig config = config(project, link.toString());
        assertThatThrownBy(() -> write(config, project)).isInstanceOf(KilnException.class)
                .hasMessageContaining("outside --files-root").hasMessageContaining(secret.toRealPath().toString());
    }
}
