package dev.kiln.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A real Keystone and Glance (Debian's python3-keystone and python3-glance: sqlite, fernet tokens, a templated
 * catalog, a file store) on 127.0.0.1, started once per test JVM by the first test that asks and stopped when the
 * JVM ends. The catalog's public image endpoint is a {@link GlanceProxy} in front of Glance, so tests see every
 * mutating call and can break one. A user {@code kiln} with a distinctive password, and an application credential
 * of it, are made for the tests.
 */
final class KeystoneGlance {

    static final String USER = "kiln";
    static final String PASSWORD = "kiln-Pa55-7f3e9c1d";
    static final String PROJECT = "admin";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static KeystoneGlance shared;
    private static String unavailable;

    final Path root;
    final int keystonePort;
    final int glancePort;
    /** The catalog's compute endpoint is http://127.0.0.1:novaPort/compute/v2.1, where a test may run a Nova stand-in. */
    final int novaPort;
    final GlanceProxy proxy;
    final String appCredentialId;
    final String appCredentialSecret;
    final String projectId;
    private final List<Long> pids = new ArrayList<>();
    private String adminToken;

    /** The shared rig, or a skipped test naming the Debian packages when they are missing. */
    static synchronized KeystoneGlance shared() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(Path.of("/usr/bin/keystone-wsgi-public"))
                        && Files.isDirectory(Path.of("/usr/lib/python3/dist-packages/glance")),
                "needs the Debian packages python3-keystone and python3-glance (./test installs them)");
        if (unavailable != null) {
            throw new IllegalStateException("Keystone + Glance did not start earlier: " + unavailable);
        }
        if (shared == null) {
            try {
                shared = new KeystoneGlance();
            } catch (Exception | Error e) {
                unavailable = e.getMessage();
                throw e;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
        }
        return shared;
    }

    private KeystoneGlance() throws Exception {
        Instant start = Instant.now();
        root = Files.createTempDirectory("kiln-keystone-glance");
        keystonePort = freePort();
        glancePort = freePort();
        novaPort = freePort();
        proxy = proxy(glancePort, keystonePort, novaPort);
        Path script = root.resolve("start-keystone-glance.sh");
        try (InputStream in = KeystoneGlance.class.getResourceAsStream("start-keystone-glance.sh")) {
            Files.copy(in, script);
        }
        Process p = new ProcessBuilder("bash", script.toString(), root.resolve("r").toString(),
                String.valueOf(keystonePort), String.valueOf(glancePort), proxy.url(),
                "http://127.0.0.1:" + novaPort + "/compute/v2.1")
                .redirectErrorStream(true).redirectOutput(root.resolve("start.log").toFile()).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("start-keystone-glance.sh failed: " + tail(root.resolve("start.log"))
                    + logs());
        }
        for (String line : Files.readAllLines(root.resolve("start.log"))) {
            if (line.startsWith("pids ")) {
                for (String pid : line.substring(5).trim().split(" ")) {
                    pids.add(Long.parseLong(pid));
                }
            }
        }
        try {
            awaitUp("http://127.0.0.1:" + keystonePort + "/v3");
            awaitUp("http://127.0.0.1:" + glancePort + "/");
            adminToken = token("admin", "secret");
            projectId = projectId();
            String userId = makeUser();
            String userToken = token(USER, PASSWORD);
            JsonNode cred = call("POST", keystone() + "/users/" + userId + "/application_credentials", userToken,
                    "{\"application_credential\":{\"name\":\"kiln-tests\",\"secret\":\"kiln-AppCred-5ecret-91b2\"}}");
            appCredentialId = cred.path("application_credential").path("id").asText();
        } catch (Exception | Error e) {
            // the folder goes with stop(), so what the daemons said is kept in the message (CI shows only that)
            IllegalStateException failed = new IllegalStateException(e.getMessage() + logs(), e);
            stop();
            throw failed;
        }
        appCredentialSecret = "kiln-AppCred-5ecret-91b2";
        System.out.println("[openstack tests] Keystone + Glance up in "
                + Duration.between(start, Instant.now()).toSeconds() + " s under " + root);
    }

    String keystone() {
        return "http://127.0.0.1:" + keystonePort + "/v3";
    }

    /** Glance itself, not through the proxy. */
    String glance() {
        return "http://127.0.0.1:" + glancePort + "/v2";
    }

    /** The OS_* variables of the kiln user. */
    Map<String, String> passwordEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OS_AUTH_URL", keystone());
        env.put("OS_USERNAME", USER);
        env.put("OS_PASSWORD", PASSWORD);
        env.put("OS_PROJECT_NAME", PROJECT);
        env.put("OS_USER_DOMAIN_NAME", "Default");
        env.put("OS_PROJECT_DOMAIN_NAME", "Default");
        env.put("OS_REGION_NAME", "RegionOne");
        env.put("OS_CLIENT_CONFIG_FILE", root.resolve("no-clouds.yaml").toString());
        env.put("HOME", root.resolve("home").toString());
        return env;
    }

    String userToken() throws Exception {
        return token(USER, PASSWORD);
    }

    /** Every image Glance holds, as "image ID STATUS NAME". */
    TreeSet<String> images() throws Exception {
        TreeSet<String> out = new TreeSet<>();
        for (JsonNode i : call("GET", glance() + "/images?limit=1000", admin(), null).path("images")) {
            out.add("image " + i.path("id").asText() + " " + i.path("status").asText() + " " + i.path("name").asText());
        }
        return out;
    }

    /** Images named {@code name}: id to kiln_digest. */
    Map<String, String> imagesNamed(String name) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode i : call("GET", glance() + "/images?limit=1000&name=" + name, admin(), null).path("images")) {
            out.put(i.path("id").asText(), i.path("kiln_digest").asText(""));
        }
        return out;
    }

    JsonNode image(String id) throws Exception {
        return call("GET", glance() + "/images/" + id, admin(), null);
    }

    /** The bytes Glance stored for an image: its file in the file store. */
    Path storedFile(String id) {
        return root.resolve("r/images").resolve(id);
    }

    void deleteAll() throws Exception {
        for (JsonNode i : call("GET", glance() + "/images?limit=1000", admin(), null).path("images")) {
            call("DELETE", glance() + "/images/" + i.path("id").asText(), admin(), null);
        }
    }

    private synchronized String admin() throws Exception {
        return adminToken;
    }

    private String token(String user, String password) throws Exception {
        String body = "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"" + user
                + "\",\"domain\":{\"name\":\"Default\"},\"password\":\"" + password + "\"}}},\"scope\":{\"project\":"
                + "{\"name\":\"" + PROJECT + "\",\"domain\":{\"name\":\"Default\"}}}}}";
        HttpResponse<String> r = client().send(HttpRequest.newBuilder(URI.create(keystone() + "/auth/tokens"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("token for " + user + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return r.headers().firstValue("X-Subject-Token").orElseThrow();
    }

    private String projectId() throws Exception {
        return call("GET", keystone() + "/projects?name=" + PROJECT, adminToken, null).path("projects").get(0)
                .path("id").asText();
    }

    private String makeUser() throws Exception {
        String userId = call("POST", keystone() + "/users", adminToken, "{\"user\":{\"name\":\"" + USER
                + "\",\"password\":\"" + PASSWORD + "\",\"domain_id\":\"default\"}}").path("user").path("id").asText();
        for (JsonNode role : call("GET", keystone() + "/roles", adminToken, null).path("roles")) {
            if (List.of("admin", "member", "reader").contains(role.path("name").asText())) {
                call("PUT", keystone() + "/projects/" + projectId + "/users/" + userId + "/roles/"
                        + role.path("id").asText(), adminToken, null);
            }
        }
        return userId;
    }

    JsonNode call(String method, String url, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("X-Auth-Token", token)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = client().send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + url + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    private void awaitUp(String url) throws Exception {
        Instant end = Instant.now().plusSeconds(120);
        while (Instant.now().isBefore(end)) {
            try {
                HttpResponse<Void> r = client().send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() < 500) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(url + " did not answer within 120 s");
    }

    /**
     * A new client per call: keystone-wsgi-public (wsgiref) closes each connection after its answer, so a pooled
     * connection would be found closed on the next call.
     */
    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    /**
     * The ends of the daemons' logs: keystone-wsgi-public prints the traceback of an error it answers 500 to on its
     * stderr (keystone.out); keystone.log and glance.log hold what the services logged.
     */
    private String logs() {
        StringBuilder out = new StringBuilder();
        for (String log : List.of("keystone.out", "keystone.log", "keystone-manage.err", "glance.out", "glance.log")) {
            out.append("\n--- end of ").append(log).append(" ---\n").append(tail(root.resolve("r").resolve(log)));
        }
        return out.toString();
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
        } catch (IOException e) {
            return "(no " + file + ")";
        }
    }

    /**
     * A proxy to Glance on a port of its own: the ports picked above are free only until used, so the system may hand
     * one of them to the proxy's socket (a proxy on Glance's port would then call itself, and Glance could not bind).
     */
    private static GlanceProxy proxy(int glancePort, int... taken) throws IOException {
        for (int attempt = 0; ; attempt++) {
            GlanceProxy p = new GlanceProxy(glancePort);
            int port = URI.create(p.url()).getPort();
            boolean clash = port == glancePort || java.util.Arrays.stream(taken).anyMatch(t -> t == port);
            if (!clash || attempt == 10) {
                return p;
            }
            p.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void stop() {
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(h -> {
                List<ProcessHandle> all = new ArrayList<>(h.descendants().toList());
                all.add(h);
                all.forEach(ProcessHandle::destroy);
                for (ProcessHandle p : all) {
                    try {
                        p.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (Exception slow) {
                        p.destroyForcibly();
                    }
                }
            });
        }
        proxy.close();
        dev.kiln.api.Trees.deleteQuietly(root);
    }
}
