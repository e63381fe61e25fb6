package dev.kiln.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one way tests start an external program: it checks the program is on PATH first and, when
 * it is not, skips the test with a JUnit assumption naming the Debian package that provides it
 * ({@code ./test} installs them all), instead of failing with "Cannot run program".
 */
public final class HostTools {

    /** Every program the tests run, and the Debian package that provides it. */
    private static final Map<String, String> PACKAGES = Map.ofEntries(
            Map.entry("qemu-img", "qemu-utils"),
            Map.entry("qemu-system-x86_64", "qemu-system-x86"),
            Map.entry("sgdisk", "gdisk"),
            Map.entry("sfdisk", "fdisk"),
            Map.entry("xorriso", "xorriso"),
            Map.entry("isoinfo", "genisoimage"),
            Map.entry("mkisofs", "genisoimage"),
            Map.entry("fsck.vfat", "dosfstools"),
            Map.entry("mkfs.vfat", "dosfstools"),
            Map.entry("mcopy", "mtools"),
            Map.entry("mformat", "mtools"),
            Map.entry("mmd", "mtools"),
            Map.entry("mdir", "mtools"),
            Map.entry("mtype", "mtools"),
            Map.entry("objdump", "binutils"),
            Map.entry("skopeo", "skopeo"),
            Map.entry("umoci", "umoci"),
            Map.entry("docker-registry", "docker-registry"),
            Map.entry("tar", "tar"),
            Map.entry("gzip", "gzip"),
            Map.entry("pigz", "pigz"),
            Map.entry("cpio", "cpio"),
            Map.entry("sh", "dash"),
            Map.entry("cmp", "diffutils"),
            Map.entry("dd", "coreutils"),
            Map.entry("stat", "coreutils"),
            Map.entry("true", "coreutils"),
            Map.entry("openssl", "openssl"),
            Map.entry("dpkg", "dpkg"),
            Map.entry("dpkg-deb", "dpkg"),
            Map.entry("dpkg-query", "dpkg"),
            Map.entry("env", "coreutils"),
            Map.entry("runuser", "util-linux"),
            Map.entry("setpriv", "util-linux"),
            Map.entry("tinyproxy", "tinyproxy"),
            Map.entry("go", "golang-go"));

    private HostTools() {
    }

    /** Skips the calling test unless every tool is on PATH, naming the package to install. */
    public static void require(String... tools) {
        for (String tool : tools) {
            Assumptions.assumeTrue(find(tool).isPresent(),
                    () -> tool + " is not on PATH: install the Debian package " + packageOf(tool));
        }
    }

    /** A process builder for {@code command}, once its program is known to be on PATH. */
    public static ProcessBuilder command(String... command) {
        return command(List.of(command));
    }

    /** A process builder for {@code command}, its program found on PATH (or in an sbin folder). */
    public static ProcessBuilder command(List<String> command) {
        require(command.get(0));
        List<String> resolved = new ArrayList<>(command);
        resolved.set(0, find(command.get(0)).orElseThrow().toString());
        return new ProcessBuilder(resolved);
    }

    /**
     * Runs {@code command} (a guest under qemu, say) until it exits or {@code limit} passes, when it is killed, and
     * returns all it printed, stdout and stderr together.
     */
    public static String runForOutput(List<String> command, java.time.Duration limit)
            throws java.io.IOException, InterruptedException {
        Process process = command(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        StringBuilder out = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (java.io.InputStream in = process.getInputStream()) {
                byte[] buf = new byte[4096];
                for (int n; (n = in.read(buf)) > 0; ) {
                    synchronized (out) {
                        out.append(new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8));
                    }
                }
            } catch (java.io.IOException stopped) {
                // the process was killed
            }
        });
        reader.start();
        try {
            if (!process.waitFor(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } finally {
            process.destroyForcibly();
            reader.join(10_000);
        }
        synchronized (out) {
            return out.toString();
        }
    }

    /** The Debian package providing {@code tool}; every tool a test runs must be listed here. */
    public static String packageOf(String tool) {
        String name = Path.of(tool).getFileName().toString();
        String pkg = PACKAGES.get(name);
        if (pkg == null) {
            throw new IllegalArgumentException(name + " is not listed in HostTools: add it with the Debian"
                    + " package that provides it, and add that package to ./test");
        }
        return pkg;
    }

    /**
     * Where {@code tool} is: itself if it is a path, else the first executable of that name on PATH,
     * then in the sbin folders a non-root PATH often lacks (sgdisk, sfdisk, mkfs.vfat live there).
     */
    public static Optional<Path> find(String tool) {
        packageOf(tool);
        if (tool.contains("/")) {
            return Optional.of(Path.of(tool)).filter(Files::isExecutable);
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        List<String> dirs = new ArrayList<>(List.of(path.split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/sbin"));
        for (String dir : dirs) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, tool);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
