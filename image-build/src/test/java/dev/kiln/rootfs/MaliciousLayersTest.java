package dev.kiln.rootfs;

import dev.kiln.build.BuildRequest;
import dev.kiln.build.Builder;
import dev.kiln.build.Format;
import dev.kiln.api.Event;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.testing.Fixtures;
import dev.kiln.testing.HostTools;
import dev.kiln.testing.LayerTar;
import dev.kiln.testing.TestImageStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Layers that try to write outside the image tree. The output directory sits a few levels deep in
 * the test's directory, so an escape of a few {@code ..} would land inside it where we can look.
 */
class MaliciousLayersTest {

    @TempDir
    Path dir;

    private final List<Event> events = new ArrayList<>();

    private void build(byte[] layer) {
        TestImageStore store = new TestImageStore().add("evil:1", layer);
        Path config = Fixtures.writeConfig(dir.resolve("a/b/c"), "evil.yml",
                "services: [{name: evil, image: evil:1}]\n");
        BuildRequest request = Fixtures.request(config, dir.resolve("a/b/c/out"), List.of(Format.TAR), Optional.empty());
        new Builder(new Events(events::add, "build"), store, InputStream.nullInputStream())
                .build(request, new ByteArrayOutputStream());
    }

    @Test
    void pathTraversalIsRejected() throws IOException {
        byte[] layer = new LayerTar().dir("etc").file("../../../../pwned", "owned").bytes();
        assertThatThrownBy(() -> build(layer)).isInstanceOf(KilnException.class)
                .hasMessageContaining("image evil:1").hasMessageContaining("'../../../../pwned' contains '..'")
                .hasMessageContaining("rejected");
        assertNothingNamedPwned();
    }

    @Test
    void entryThroughAnEscapingSymlinkIsRejected() throws IOException {
        byte[] layer = new LayerTar().symlink("evil", "../../../../..").file("evil/pwned", "owned").bytes();
        assertThatThrownBy(() -> build(layer)).isInstanceOf(KilnException.class)
                .hasMessageContaining("'evil/pwned' goes through the symlink 'evil'").hasMessageContaining("rejected");
        assertNothingNamedPwned();
    }

    @Test
    void entryThroughAnAbsoluteSymlinkFromALowerLayerIsRejected() throws IOException {
        TestImageStore store = new TestImageStore().add("evil:1", new LayerTar().symlink("etc", "/etc").bytes(),
                new LayerTar().file("etc/pwned", "owned").bytes());
        Path config = Fixtures.writeConfig(dir, "evil.yml", "onboot: [{name: evil, image: evil:1}]\n");
        assertThatThrownBy(() -> new Builder(Events.none(), store, InputStream.nullInputStream()).build(
                Fixtures.request(config, dir.resolve("out"), List.of(Format.TAR), Optional.empty()),
                new ByteArrayOutputStream())).hasMessageContaining("goes through the symlink 'etc'");
        assertNothingNamedPwned();
    }

    @Test
    void hardLinkOutOfTheTreeIsRejected() throws IOException {
        byte[] dots = new LayerTar().hardlink("pwned", "../../../../etc/shadow").bytes();
        assertThatThrownBy(() -> build(dots)).hasMessageContaining("'../../../../etc/shadow' contains '..'");
        byte[] absent = new LayerTar().hardlink("pwned", "/etc/shadow").bytes();
        assertThatThrownBy(() -> build(absent)).hasMessageContaining("hard link 'pwned' points at 'etc/shadow', "
                + "which is not in the image, so it was rejected");
        assertNothingNamedPwned();
    }

    @Test
    void absoluteNamesAreConfinedToTheTreeAndSaidSo() throws Exception {
        build(new LayerTar().dir("/abs").file("/abs/pwned", "inside").bytes());
        Path tar = dir.resolve("a/b/c/out/evil.tar");
        Path sandbox = Files.createDirectories(dir.resolve("sandbox"));
        Process p = HostTools.command("tar", "--warning=no-unknown-keyword", "--wildcards", "--exclude=*mtab", "-xf", tar.toString(), "-C",
                sandbox.toString()).redirectErrorStream(true).start();
        p.getInputStream().transferTo(System.out);
        assertThat(p.waitFor()).isZero();
        assertThat(sandbox.resolve("containers/services/evil/lower/abs/pwned")).hasContent("inside");
        assertThat(events).anySatisfy(e -> assertThat(e.toString()).contains("confined to the image tree"));
        try (Stream<Path> all = Files.walk(dir)) {
            assertThat(all.filter(f -> f.getFileName().toString().equals("pwned")))
                    .allMatch(f -> f.startsWith(sandbox.resolve("containers/services/evil/lower")));
        }
    }

    /** Walks the temp area around the test; other processes' files may vanish meanwhile, which is fine. */
    private void assertNothingNamedPwned() throws IOException {
        List<Path> found = new java.util.ArrayList<>();
        Files.walkFileTree(dir.getParent(), java.util.Set.of(), 6, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes a) {
                if (f.getFileName() != null && f.getFileName().toString().equals("pwned")) {
                    found.add(f);
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult preVisitDirectory(Path d, java.nio.file.attribute.BasicFileAttributes a) {
                return visitFile(d, a);
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path f, IOException e) {
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
        assertThat(found).isEmpty();
        assertThat(dir.resolve("a/b/c/out/evil.tar")).doesNotExist();
    }
}
