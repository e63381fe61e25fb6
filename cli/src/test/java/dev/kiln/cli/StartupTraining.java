package dev.kiln.cli;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The workload the build runs once, under {@code -XX:DumpLoadedClassList}, to list the classes a
 * typical kiln invocation loads: help for every command, and a small image converted into every
 * format and read back, and an image pulled from a registry on loopback (the JDK's HTTP client and
 * kiln's registry client are ~350 classes a cold pull would otherwise load from jar files). The
 * launcher turns that list into a class-data-sharing archive, so picocli (compiled for Java 5, which
 * the JVM can only archive this way) and kiln's own classes start from memory-mapped, pre-verified
 * data instead of jar files. Nothing here leaves the machine.
 */
final class StartupTraining {

    private static final List<String> FORMATS = List.of("qcow2", "vhd", "dynamic-vhd", "vmdk", "ova", "gcp", "raw");

    private StartupTraining() {
    }

    public static void main(String[] args) throws IOException {
        // what Main does before every command (Main.main itself is not run: it exits), then the two
        // shortest commands, whose time is mostly this set-up
        Interrupts interrupts = Main.prepare();
        Path dir = Files.createTempDirectory("kiln-training");
        try {
            run(interrupts, "--version");
            run(interrupts, "formats");
            Path raw = sample(dir.resolve("sample.raw"));
            run("--help");
            for (String command : List.of("build", "push", "run", "convert", "cache", "providers", "formats")) {
                run(command, "--help");
            }
            run("push", "aws", "--help");
            run("run", "qemu", "--help");
            for (String format : FORMATS) {
                run("convert", raw.toString(), dir.resolve("out." + format).toString(), "-f", format);
            }
            run("convert", dir.resolve("out.qcow2").toString(), dir.resolve("back.raw").toString(), "-f", "raw");
            run("convert", dir.resolve("out.vhd").toString(), dir.resolve("back.vmdk").toString(), "-f", "vmdk",
                    "--output", "json");
            pull(dir.resolve("cache"));
        } finally {
            interrupts.done();
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** A sparse 64 MiB disk with a few MiB of data, some of it compressible. */
    private static Path sample(Path path) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            file.setLength(64L << 20);
            byte[] block = new byte[1 << 20];
            for (int i = 0; i < block.length; i++) {
                block[i] = (byte) (i * 31 >>> 7);
            }
            for (long at : new long[] {0, 5L << 20, 40L << 20}) {
                file.seek(at);
                file.write(block);
            }
        }
        return path;
    }

    /**
     * {@code kiln cache pull} of a two-layer image from a registry on loopback that answers the
     * distribution spec's manifest and blob GETs (and 404 to the rest).
     */
    private static void pull(Path cache) throws IOException {
        Map<String, byte[]> blobs = new HashMap<>();
        byte[] layer = new byte[3 << 20];
        for (int i = 0; i < layer.length; i++) {
            layer[i] = (byte) (i * 7 >>> 9);
        }
        String layers = descriptor(blobs, "application/vnd.oci.image.layer.v1.tar", layer) + ","
                + descriptor(blobs, "application/vnd.oci.image.layer.v1.tar", "a small layer".getBytes(StandardCharsets.UTF_8));
        String config = descriptor(blobs, "application/vnd.oci.image.config.v1+json",
                "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                        .getBytes(StandardCharsets.UTF_8));
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":" + config + ",\"layers\":[" + layers + "]}").getBytes(StandardCharsets.UTF_8);
        String manifestDigest = digest(manifest);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v2/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = path.endsWith("/manifests/1") ? manifest
                    : path.contains("/blobs/") ? blobs.get(path.substring(path.lastIndexOf('/') + 1)) : null;
            if (path.endsWith("/manifests/1")) {
                exchange.getResponseHeaders().add("Content-Type", "application/vnd.oci.image.manifest.v1+json");
                exchange.getResponseHeaders().add("Docker-Content-Digest", manifestDigest);
            }
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                if (body != null) {
                    out.write(body);
                }
            }
        });
        server.start();
        try {
            run(Map.of("CI", "true", "KILN_CACHE", cache.toString()),
                    "-q", "cache", "pull", "127.0.0.1:" + server.getAddress().getPort() + "/training/image:1");
        } finally {
            server.stop(0);
        }
    }

    private static String descriptor(Map<String, byte[]> blobs, String mediaType, byte[] content) {
        String digest = digest(content);
        blobs.put(digest, content);
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + content.length + "}";
    }

    private static String digest(byte[] content) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void run(String... args) {
        run(Map.of("CI", "true"), args);
    }

    /** A command as Main runs it: through {@link Main#run}, with the process's interrupts. */
    private static void run(Interrupts interrupts, String... args) {
        Session session = Session.of(OutputStream.nullOutputStream(), OutputStream.nullOutputStream(),
                System.getenv(), interrupts);
        int code = Main.run(args, session, interrupts);
        if (code != Kiln.OK) {
            throw new IllegalStateException("training run failed (" + code + "): kiln " + String.join(" ", args));
        }
    }

    private static void run(Map<String, String> env, String... args) {
        Session session = Session.of(OutputStream.nullOutputStream(), OutputStream.nullOutputStream(),
                env, new Interrupts(Thread.currentThread()));
        int code = Kiln.execute(args, session);
        if (code != Kiln.OK) {
            throw new IllegalStateException("training run failed (" + code + "): kiln " + String.join(" ", args));
        }
    }
}
