package dev.kiln.cli;

import dev.kiln.testing.HostTools;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Debian package the build makes, installed as an operator would ({@code dpkg -i}, as root),
 * then used by a user who owns nothing of the install ({@code nobody}), then removed.
 */
class DebPackageIT {

    private static final Path INSTALLED = Path.of("/usr/share/kiln");

    @Test
    void installsAndRunsForAnyUserFromAReadOnlyRootOwnedFolder() throws Exception {
        assumeTrue(((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0,
                "dpkg -i needs root: run the tests as root (./test does in CI)");
        HostTools.require("dpkg", "dpkg-query", "runuser");
        assumeTrue(!run("dpkg-query", "-W", "-f=${Status}", "kiln").out().contains("install ok installed"),
                "a kiln package is already installed here; the test would replace and remove it");
        Path deb = built();
        Path cache = Files.createTempDirectory(Path.of("/tmp"), "kiln-deb-cache");
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));
        try {
            Result install = run("dpkg", "-i", deb.toString());
            assertThat(install.exit()).as(install.out()).isZero();
            assertThat(Path.of("/usr/bin/kiln")).isSymbolicLink();
            assertThat(Path.of("/usr/share/bash-completion/completions/kiln")).content().contains("complete");
            assertThat(Files.getOwner(INSTALLED).getName()).isEqualTo("root");
            List<String> before = listing(INSTALLED);

            Result version = asNobody(cache, "--version");
            Result formats = asNobody(cache, "formats");
            Result noCache = asNobody(Path.of("/nonexistent"), "--version");

            assertThat(version.exit()).as(version.out()).isZero();
            // the output holds stderr too: the first run's one line about making the start-up archive, then the version
            assertThat(version.out()).containsPattern("(?m)^kiln \\d");
            assertThat(formats.exit()).as(formats.out()).isZero();
            assertThat(formats.out()).contains("qcow2", "vhd", "gcp");
            assertThat(noCache.exit()).as("without a writable cache: %s", noCache.out()).isZero();
            assertThat(listing(INSTALLED)).as("nothing written into the install folder").isEqualTo(before);
            try (Stream<Path> files = Files.list(cache.resolve("kiln"))) {
                assertThat(files.map(f -> f.getFileName().toString())).anyMatch(n -> n.endsWith(".jsa"));
            }
        } finally {
            Result purge = run("dpkg", "--purge", "kiln");
            deleteTree(cache);
            assertThat(purge.exit()).as(purge.out()).isZero();
        }
        assertThat(Path.of("/usr/bin/kiln")).doesNotExist();
        assertThat(INSTALLED).doesNotExist();
    }

    private static Path built() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            List<Path> debs = files.filter(f -> f.getFileName().toString().matches("kiln_.*_all\\.deb")).toList();
            assertThat(debs).as("the package 'mvn package' made in target/").hasSize(1);
            return debs.get(0).toAbsolutePath();
        }
    }

    private static Result asNobody(Path cache, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("runuser", "-u", "nobody", "--", "env",
                "XDG_CACHE_HOME=" + cache, "HOME=/nonexistent", "CI=true", "/usr/bin/kiln"));
        command.addAll(List.of(args));
        return run(command.toArray(String[]::new));
    }

    private record Result(int exit, String out) {
    }

    private static Result run(String... command) throws Exception {
        Process p = HostTools.command(command).directory(Path.of("/").toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        return new Result(p.exitValue(), out);
    }

    /** Every path under {@code root} with its size and modification time. */
    private static List<String> listing(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            List<String> out = new ArrayList<>();
            for (Path f : files.sorted().toList()) {
                out.add(root.relativize(f) + " " + Files.size(f) + " " + Files.getLastModifiedTime(f));
            }
            return out;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
