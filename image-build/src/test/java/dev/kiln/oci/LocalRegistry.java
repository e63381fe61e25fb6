package dev.kiln.oci;

import dev.kiln.testing.HostTools;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's docker-registry on a free loopback port with its storage in a temp directory,
 * started for a test and stopped after it. Pushes go through skopeo, an independent client.
 */
final class LocalRegistry implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final Process process;
    private final boolean tls;

    private LocalRegistry(Path dir, int port, Process process, boolean tls) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.tls = tls;
    }

    static LocalRegistry start(Path dir) throws Exception {
        return start(dir, "", false);
    }

    /** {@code extra} is YAML appended at top level (auth, http.tls through {@link #tls}). */
    static LocalRegistry start(Path dir, String extra, boolean tls) throws Exception {
        Files.createDirectories(dir);
        int port = freePort();
        String cfg = "version: 0.1\nlog:\n  level: info\nstorage:\n  filesystem:\n    rootdirectory: " + dir.resolve("data")
                + "\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:" + port + "\n"
                + (tls ? "  tls:\n    certificate: " + dir.resolve("cert.pem") + "\n    key: " + dir.resolve("key.pem") + "\n" : "")
                + extra;
        Files.writeString(dir.resolve("cfg.yml"), cfg);
        Process p = HostTools.command("docker-registry", "serve", dir.resolve("cfg.yml").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        LocalRegistry r = new LocalRegistry(dir, port, p, tls);
        r.awaitListening();
        return r;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void awaitListening() throws Exception {
        for (int i = 0; i < 200; i++) {
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry exited: " + log());
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (ConnectException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("docker-registry did not listen on " + port + ": " + log());
    }

    String host() {
        return "127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    Path storage() {
        return dir.resolve("data");
    }

    /** The registry's log: one line per request, with its URI. */
    String log() throws IOException {
        return Files.readString(dir.resolve("registry.log"));
    }

    /** Pushes {@code refName} of the OCI layout {@code layout} to {@code repoAndTag} here with skopeo. */
    void push(Path layout, String refName, String repoAndTag, String... extraArgs) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("skopeo", "copy", "--quiet", "--all", "--dest-tls-verify=false"));
        cmd.addAll(List.of(extraArgs));
        cmd.add("oci:" + layout + ":" + refName);
        cmd.add("docker://" + host() + "/" + repoAndTag);
        run(dir, cmd);
    }

    static String run(Path dir, List<String> cmd) throws Exception {
        Process p = HostTools.command(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    /** The blob file docker-registry keeps for {@code digest}. */
    Path blobFile(String digest) {
        String hex = digest.substring(7);
        return storage().resolve("docker/registry/v2/blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
