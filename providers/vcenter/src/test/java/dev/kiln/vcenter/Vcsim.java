package dev.kiln.vcenter;

import dev.kiln.testing.HostTools;
import org.junit.jupiter.api.Assumptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * A vcsim process on 127.0.0.1, started and stopped by the test. The binary is built once per machine from
 * Debian's govmomi 0.24.2 sources and {@code src/test/go/vcsim/main.go} (about a minute), and cached in
 * {@code ~/.cache/kiln/} under the hash of main.go; a missing Go or govmomi is a visible assumption.
 */
final class Vcsim implements AutoCloseable {

    static final String USER = "kiln-user";
    static final Path GOVMOMI = Path.of("/usr/share/gocode/src/github.com/vmware/govmomi/simulator");

    private final Process process;
    private final URI base;

    private Vcsim(Process process, URI base) {
        this.process = process;
        this.base = base;
    }

    /** Starts a fresh vcsim accepting {@link #USER} with {@code password}. */
    static Vcsim start(String password) throws Exception {
        Path binary = binary();
        Process p = new ProcessBuilder(binary.toString(), USER, password)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null) {
            p.destroyForcibly();
            throw new IllegalStateException("vcsim exited without printing its URL");
        }
        URI url = URI.create(line.trim());
        return new Vcsim(p, URI.create(url.getScheme() + "://" + url.getHost() + ":" + url.getPort()));
    }

    /** http://127.0.0.1:PORT */
    URI base() {
        return base;
    }

    static synchronized Path binary() throws Exception {
        Path main = Path.of("src/test/go/vcsim/main.go").toAbsolutePath();
        byte[] source = Files.readAllBytes(main);
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(source)).substring(0, 12);
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "kiln");
        Path binary = cache.resolve("vcsim-govmomi-0.24.2-" + hash);
        if (Files.isExecutable(binary)) {
            return binary;
        }
        HostTools.require("go");
        Assumptions.assumeTrue(Files.isDirectory(GOVMOMI), "govmomi's simulator sources are missing: install the"
                + " Debian package golang-github-vmware-govmomi-dev");
        Files.createDirectories(cache);
        Path tmp = Files.createTempFile(cache, "vcsim-build", ".tmp");
        ProcessBuilder build = HostTools.command("go", "build", "-o", tmp.toString(), main.toString())
                .redirectErrorStream(true);
        build.environment().put("GOPATH", "/usr/share/gocode");
        build.environment().put("GO111MODULE", "off");
        build.environment().put("GOCACHE", cache.resolve("go-build").toString());
        Process p = build.start();
        String log;
        try (InputStream in = p.getInputStream()) {
            log = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            Files.deleteIfExists(tmp);
            throw new IllegalStateException("building vcsim failed:\n" + log);
        }
        Files.move(tmp, binary, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return binary;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.getOutputStream().close();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
