package dev.kiln.oci;

import dev.kiln.api.Event;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Pulls from Debian's docker-registry through {@link FaultyRelay}, a loopback relay that stalls,
 * drops mid-blob, throttles, redirects and answers by itself; asserts the bytes that arrive and
 * the requests kiln sent.
 */
class RegistryFaultsIT {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    static Path work;
    static LocalRegistry registry;
    static Fixtures.MultiLayer image;
    static Packer.Packed service;

    @TempDir
    Path cache;
    final List<Event> events = new CopyOnWriteArrayList<>();
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void seedRegistry() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/docker-registry")),
                "needs Debian's docker-registry package (apt-get install docker-registry)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/skopeo")), "needs Debian's skopeo package (apt-get install skopeo)");
        registry = LocalRegistry.start(work.resolve("registry"));
        OciLayout seed = OciLayout.open(work.resolve("seed"));
        image = Fixtures.multiLayer(seed, work, "kiln.test/layers:1", 4, 256 * 1024);
        service = Fixtures.service(seed, work, "kiln.test/svc:1");
        registry.push(seed.root(), image.reference(), "kiln/layers:1");
        registry.push(seed.root(), service.reference(), "kiln/svc:1");
    }

    @AfterAll
    static void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    private RegistryOptions options(Map<String, String> env) {
        return RegistryOptions.of(List.of(), List.of(), env).withRetries(3, Duration.ofMillis(20));
    }

    private CachedImageStore store(RegistryOptions options) {
        Events sink = new Events(events::add, "test");
        return new CachedImageStore(cache, options, sink,
                new RegistryHttp(options, sink, Clock.fixed(NOW, ZoneOffset.UTC), sleeps::add));
    }

    private LocalImage pull(FaultyRelay relay, String repoTag, RegistryOptions options) throws Exception {
        return store(options).resolve("127.0.0.1:" + relay.port() + "/" + repoTag, "amd64", false);
    }

    private Map<String, String> home() {
        return Map.of("HOME", cache.toString());
    }

    private static String blobPath(Descriptor d) {
        return "/blobs/" + d.digest();
    }

    private void assertNothingPartialLeft() throws Exception {
        try (Stream<Path> temps = Files.list(cache.resolve(".kiln-tmp"))) {
            assertThat(temps).isEmpty();
        }
    }

    @Test
    void aStalledBlobFailsAfterTheIdleTimeoutNamingTheRegistryAndTheBlob() throws Exception {
        Descriptor layer = image.layers().get(1);
        try (FaultyRelay relay = FaultyRelay.start(registry.port(),
                r -> r.path().endsWith(blobPath(layer)) ? FaultyRelay.Fault.stallAfter(4096) : FaultyRelay.Fault.NONE)) {
            RegistryOptions options = options(home()).withRetries(2, Duration.ofMillis(1))
                    .withTimeouts(new RegistryOptions.Timeouts(Duration.ofMillis(300), Duration.ofSeconds(30), 1 << 20));

            assertThatThrownBy(() -> pull(relay, "kiln/layers:1", options))
                    .isInstanceOf(KilnException.class)
                    .hasMessageContaining("127.0.0.1:" + relay.port())
                    .hasMessageContaining(layer.digest())
                    .hasMessageContaining("idle timeout");

            List<FaultyRelay.Seen> tries = relay.requests(blobPath(layer));
            assertThat(tries).hasSize(2);
            assertThat(tries.get(0).header("Range")).isNull();
            assertThat(tries.get(1).header("Range")).isEqualTo("bytes=4096-");
            assertThat(OciLayout.open(cache).hasBlob(layer.digest(), -1)).isFalse();
            assertNothingPartialLeft();
        }
    }

    @Test
    void aBlobDroppedMidwayIsResumedWithRangeAndVerifiedWhole() throws Exception {
        Descriptor layer = image.layers().get(2);
        AtomicInteger tries = new AtomicInteger();
        try (FaultyRelay relay = FaultyRelay.start(registry.port(), r -> r.path().endsWith(blobPath(layer))
                && tries.getAndIncrement() == 0 ? FaultyRelay.Fault.dropAfter(100_000) : FaultyRelay.Fault.NONE)) {

            LocalImage pulled = pull(relay, "kiln/layers:1", options(home()));

            assertThat(pulled.manifestDigest()).isEqualTo(image.manifest().digest());
            List<FaultyRelay.Seen> seen = relay.requests(blobPath(layer));
            assertThat(seen).hasSize(2);
            assertThat(seen.get(0).header("Range")).isNull();
            assertThat(seen.get(1).header("Range")).isEqualTo("bytes=100000-");
            assertThat(relay.bodyBytesSent(blobPath(layer))).as("no byte sent twice").isEqualTo(layer.size());
            assertThat(Files.readAllBytes(cache.resolve("blobs/sha256/" + layer.digest().substring(7))))
                    .isEqualTo(Files.readAllBytes(registry.blobFile(layer.digest())));
            assertThat(events).anyMatch(e -> e instanceof Event.Log l && l.level() == Event.Level.WARN
                    && l.message().contains(layer.digest()) && l.message().contains("100000 of " + layer.size()));
        }
    }

    @Test
    void aBlobThatNeverEndsIsRefusedAtTheDescriptorsSize() throws Exception {
        Descriptor layer = image.layers().get(0);
        byte[] blob = Files.readAllBytes(registry.blobFile(layer.digest()));
        byte[] head = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] answer = new byte[head.length + blob.length];
        System.arraycopy(head, 0, answer, 0, head.length);
        System.arraycopy(blob, 0, answer, head.length, blob.length);
        try (FaultyRelay relay = FaultyRelay.start(registry.port(), r -> r.path().endsWith(blobPath(layer))
                ? FaultyRelay.Fault.endless(answer) : FaultyRelay.Fault.NONE)) {

            assertThatThrownBy(() -> pull(relay, "kiln/layers:1", options(home())))
                    .isInstanceOf(KilnException.class).hasMessageContaining(layer.digest())
                    .hasMessageContaining("longer than the " + layer.size() + " bytes its descriptor names");

            assertThat(relay.requests(blobPath(layer))).as("refused, not retried").hasSize(1);
            assertThat(relay.bodyBytesSent(blobPath(layer))).as("socket buffers, not the endless stream")
                    .isLessThan(16L << 20);
            assertThat(OciLayout.open(cache).hasBlob(layer.digest(), -1)).isFalse();
            assertNothingPartialLeft();
        }
    }

    @Test
    void retryAfterIsHonouredAsSecondsAndAsAnHttpDate() throws Exception {
        AtomicInteger manifestTries = new AtomicInteger();
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(12).atOffset(ZoneOffset.UTC));
        try (FaultyRelay relay = FaultyRelay.start(registry.port(), r -> {
            if (!r.path().contains("/manifests/")) {
                return FaultyRelay.Fault.NONE;
            }
            return switch (manifestTries.getAndIncrement()) {
                case 0 -> FaultyRelay.Fault.answer("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 7\r\nContent-Length: 0\r\n\r\n");
                case 1 -> FaultyRelay.Fault.answer("HTTP/1.1 429 Too Many Requests\r\nRetry-After: " + date
                        + "\r\nContent-Length: 0\r\n\r\n");
                default -> FaultyRelay.Fault.NONE;
            };
        })) {
            LocalImage pulled = pull(relay, "kiln/svc:1", options(home()));

            assertThat(pulled.manifestDigest()).isEqualTo(service.manifest().digest());
            assertThat(relay.requests("/manifests/")).hasSize(3);
            assertThat(sleeps).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(12));
        }
    }

    @Test
    void layersArriveInParallelButNoMoreAtOnceThanAllowedAndThrottledBytesArriveIntact() throws Exception {
        CountDownLatch twoLayersAsked = new CountDownLatch(2);
        List<String> layerPaths = image.layers().stream().map(RegistryFaultsIT::blobPath).toList();
        try (FaultyRelay relay = FaultyRelay.start(registry.port(), r -> {
            if (layerPaths.stream().noneMatch(r.path()::endsWith)) {
                return FaultyRelay.Fault.NONE;
            }
            twoLayersAsked.countDown();
            try {
                // serial fetches would never get here with two requests open; they fail the assertion below instead
                twoLayersAsked.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return FaultyRelay.Fault.throttle(2 << 20);
        })) {
            LocalImage pulled = pull(relay, "kiln/layers:1", options(home()).withParallel(2));

            assertThat(relay.maxBlobsInFlight()).isEqualTo(2);
            assertThat(pulled.layers()).hasSize(4);
            for (Descriptor layer : image.layers()) {
                assertThat(Files.readAllBytes(cache.resolve("blobs/sha256/" + layer.digest().substring(7))))
                        .isEqualTo(Files.readAllBytes(registry.blobFile(layer.digest())));
                assertThat(relay.requests(blobPath(layer))).hasSize(1);
            }
        }
    }

    @Test
    void aBlobRedirectToAnotherHostCarriesNoRegistryCredentials() throws Exception {
        try (FaultyRelay storage = FaultyRelay.start(registry.port(), r -> FaultyRelay.Fault.NONE);
             FaultyRelay front = FaultyRelay.start(registry.port(), r -> {
                 if (r.header("Authorization") == null) {
                     return FaultyRelay.Fault.answer("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"kiln\"\r\n"
                             + "Content-Length: 0\r\n\r\n");
                 }
                 if (r.path().contains("/blobs/")) {
                     return FaultyRelay.Fault.answer("HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:"
                             + storage.port() + r.path() + "?signed=1\r\nContent-Length: 0\r\n\r\n");
                 }
                 return FaultyRelay.Fault.NONE;
             })) {
            Path docker = Files.createDirectories(cache.resolve("docker"));
            String auth = Base64.getEncoder().encodeToString("kiln:kiln-secret".getBytes(StandardCharsets.UTF_8));
            Files.writeString(docker.resolve("config.json"),
                    "{\"auths\":{\"127.0.0.1:" + front.port() + "\":{\"auth\":\"" + auth + "\"}}}");

            LocalImage pulled = pull(front, "kiln/layers:1", options(Map.of("DOCKER_CONFIG", docker.toString())));

            assertThat(pulled.manifestDigest()).isEqualTo(image.manifest().digest());
            assertThat(front.requests("/blobs/")).filteredOn(r -> r.header("Authorization") != null)
                    .extracting(r -> r.header("Authorization")).containsOnly("Basic " + auth).hasSize(5);
            assertThat(storage.requests("/blobs/")).hasSize(5).allSatisfy(r -> {
                assertThat(r.header("Authorization")).isNull();
                assertThat(r.path()).endsWith("?signed=1");
            });
        }
    }

    @Test
    void aRequestThatDripsItsAnswerEndsAtItsDeadline() throws Exception {
        try (FaultyRelay relay = FaultyRelay.start(registry.port(), r -> r.path().contains("/manifests/")
                ? FaultyRelay.Fault.drip("HTTP/1.1 200 OK\r\nX-Slow: " + "a".repeat(200) + "\r\n\r\n", 50)
                : FaultyRelay.Fault.NONE)) {
            RegistryOptions options = options(home()).withRetries(1, Duration.ofMillis(1))
                    .withTimeouts(new RegistryOptions.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(1), 1 << 20));

            assertThatThrownBy(() -> pull(relay, "kiln/svc:1", options))
                    .isInstanceOf(KilnException.class).hasMessageContaining("127.0.0.1:" + relay.port())
                    .hasMessageContaining("1 s deadline");
        }
    }

    @Test
    void anInsecureRegistryIsSpokenToInPlainHttpByNameOnlyWhenNamedAndSaidLoudly() throws Exception {
        InetAddress local = localName();
        String name = local.getHostName();
        try (FaultyRelay relay = FaultyRelay.start(local, registry.port(), r -> FaultyRelay.Fault.NONE)) {
            String ref = name + ":" + relay.port() + "/kiln/svc:1";
            RegistryOptions strict = options(home()).withRetries(1, Duration.ofMillis(1));
            assertThatThrownBy(() -> store(strict).resolve(ref, "amd64", false)).isInstanceOf(KilnException.class);
            assertThat(relay.requests()).as("only a TLS hello, which the relay refuses").isEmpty();

            Map<String, String> env = Map.of("HOME", cache.toString(), "KILN_INSECURE_REGISTRIES", "other.example," + name);
            LocalImage pulled = store(options(env)).resolve(ref, "amd64", false);

            assertThat(pulled.manifestDigest()).isEqualTo(service.manifest().digest());
            assertThat(relay.requests("/manifests/")).isNotEmpty();
            assertThat(events).anyMatch(e -> e instanceof Event.Log l && l.level() == Event.Level.WARN
                    && l.message().startsWith("INSECURE: " + name + ":" + relay.port()) && l.message().contains("plain HTTP"));
        }
    }

    @Test
    void anUnverifiedCertificateIsAcceptedOnlyForTheNamedHostAndPort() throws Exception {
        Path dir = Files.createDirectories(work.resolve("tls-registry-" + System.nanoTime()));
        Pki.selfSigned(dir);
        try (LocalRegistry tls = LocalRegistry.start(dir, "", true)) {
            OciLayout seed = OciLayout.open(work.resolve("seed"));
            tls.push(seed.root(), service.reference(), "kiln/svc:1");
            List<String> mirror = List.of("kiln.invalid=https://" + tls.host());

            RegistryOptions otherPort = RegistryOptions.of(mirror, List.of(), List.of("127.0.0.1:1"), home())
                    .withRetries(1, Duration.ofMillis(1));
            assertThatThrownBy(() -> store(otherPort).resolve("kiln.invalid/kiln/svc:1", "amd64", false))
                    .isInstanceOf(KilnException.class);
            assertThat(events).noneMatch(e -> e instanceof Event.Log l && l.message().startsWith("INSECURE"));

            RegistryOptions named = RegistryOptions.of(mirror, List.of(), List.of(tls.host()), home())
                    .withRetries(1, Duration.ofMillis(1));
            LocalImage pulled = store(named).resolve("kiln.invalid/kiln/svc:1", "amd64", false);

            assertThat(pulled.manifestDigest()).isEqualTo(service.manifest().digest());
            assertThat(events).anyMatch(e -> e instanceof Event.Log l && l.level() == Event.Level.WARN
                    && l.message().startsWith("INSECURE: " + tls.host()) && l.message().contains("without verifying"));
        }
    }

    /** This machine's own name when it resolves to an address here and does not look like loopback. */
    private static InetAddress localName() {
        try {
            InetAddress local = InetAddress.getLocalHost();
            String name = local.getHostName();
            assumeTrue(!name.equals("localhost") && !name.startsWith("127.") && !name.contains(":"),
                    "the host name " + name + " is a loopback name, which kiln always speaks plain HTTP to");
            return local;
        } catch (UnknownHostException e) {
            assumeTrue(false, "this machine's host name does not resolve: " + e.getMessage());
            throw new IllegalStateException(e);
        }
    }
}
