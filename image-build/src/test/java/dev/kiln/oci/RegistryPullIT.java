package dev.kiln.oci;

import dev.kiln.api.Event;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pulls from Debian's docker-registry on loopback, seeded with images the test packs and pushes with skopeo. */
class RegistryPullIT {

    @TempDir
    static Path work;
    static LocalRegistry registry;
    static OciLayout seed;
    static Packer.Packed kernel;
    static Packer.Packed init;
    static Packer.Packed service;
    static Packer.Packed[] multi;

    @TempDir
    Path cache;

    @BeforeAll
    static void seedRegistry() throws Exception {
        registry = LocalRegistry.start(work.resolve("registry"));
        seed = OciLayout.open(work.resolve("seed"));
        kernel = Fixtures.kernel(seed, work, "kiln.test/kernel:6.1");
        init = Fixtures.init(seed, work, "kiln.test/init:1");
        service = Fixtures.service(seed, work, "kiln.test/svc:1");
        multi = Fixtures.multiPlatform(seed, work, "kiln.test/multi:1");
        push("kiln.test/kernel:6.1", "kiln/kernel:6.1");
        push("kiln.test/init:1", "kiln/init:1");
        push("kiln.test/svc:1", "kiln/svc:1");
        push("kiln.test/multi:1", "kiln/multi:1");
    }

    private static void push(String seedRef, String target) throws Exception {
        registry.push(seed.root(), seed.find(ImageReference.parse(seedRef).toString()).orElseThrow().refName(), target);
    }

    @AfterAll
    static void stop() throws Exception {
        registry.close();
    }

    private String ref(String repoTag) {
        return registry.host() + "/" + repoTag;
    }

    private CachedImageStore store(List<Event> events) {
        RegistryOptions options = RegistryOptions.of(List.of(), List.of(), Map.of("HOME", cache.toString()))
                .withRetries(3, Duration.ofMillis(20));
        return new CachedImageStore(cache, options, new Events(events::add, "test"));
    }

    @Test
    void pullsAnInitImageAndItsBusyboxArrivesIntact() throws Exception {
        LocalImage image = store(new CopyOnWriteArrayList<>()).resolve(ref("kiln/init:1"), "amd64", false);

        assertThat(image.reference()).isEqualTo(ref("kiln/init:1"));
        assertThat(image.manifestDigest()).isEqualTo(init.manifest().digest());
        Map<String, byte[]> files = files(image.layers().get(0));
        assertThat(files.get("bin/busybox")).isEqualTo(Files.readAllBytes(Path.of("/bin/busybox")));
        assertThat(files).containsKey("bin/sh");
    }

    @Test
    void pullsAKernelImageAndAServiceImageWithItsMobyLabel() throws Exception {
        CachedImageStore store = store(new CopyOnWriteArrayList<>());
        LocalImage k = store.resolve(ref("kiln/kernel:6.1"), "amd64", false);
        LocalImage s = store.resolve(ref("kiln/svc:1"), "amd64", false);

        assertThat(files(k.layers().get(0)).get("kernel")).isEqualTo(Fixtures.bytes(256 * 1024, 7));
        assertThat(s.config().path("config").path("Labels").path("org.mobyproject.config").asText())
                .isEqualTo(Fixtures.SERVICE_LABEL);
        String index = Files.readString(cache.resolve("index.json"));
        assertThat(index).contains("\"org.opencontainers.image.ref.name\" : \"" + ref("kiln/kernel:6.1") + "\"")
                .contains(ref("kiln/svc:1"));
    }

    @Test
    void theCacheIsAnOciLayoutThatSkopeoReads() throws Exception {
        store(new CopyOnWriteArrayList<>()).resolve(ref("kiln/svc:1"), "amd64", false);

        String raw = LocalRegistry.run(cache, List.of("skopeo", "inspect", "--raw", "oci:" + cache + ":" + ref("kiln/svc:1")));
        assertThat(raw).contains(service.layer().digest());
    }

    @Test
    void fetchesOnlyTheTargetPlatformsBlobsFromAMultiPlatformIndex() throws Exception {
        String before = registry.log();
        LocalImage image = store(new CopyOnWriteArrayList<>()).resolve(ref("kiln/multi:1"), "amd64", false);
        String requests = registry.log().substring(before.length());

        Packer.Packed amd = multi[0];
        Packer.Packed arm = multi[1];
        assertThat(image.manifestDigest()).isEqualTo(amd.manifest().digest());
        assertThat(requests).contains(amd.layer().digest()).doesNotContain(arm.layer().digest())
                .doesNotContain(arm.manifest().digest());
        assertThat(Files.exists(cache.resolve("blobs/sha256/" + arm.layer().digest().substring(7)))).isFalse();
        assertThat(Files.exists(cache.resolve("blobs/sha256/" + arm.manifest().digest().substring(7)))).isFalse();
        assertThat(OciLayout.open(cache).find(ref("kiln/multi:1")).orElseThrow().mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
    }

    @Test
    void anArm64ResolveOfACachedIndexFetchesTheArm64PartOnly() throws Exception {
        CachedImageStore store = store(new CopyOnWriteArrayList<>());
        store.resolve(ref("kiln/multi:1"), "amd64", false);
        LocalImage arm = store.resolve(ref("kiln/multi:1"), "arm64", false);

        assertThat(arm.manifestDigest()).isEqualTo(multi[1].manifest().digest());
        assertThat(arm.config().path("architecture").asText()).isEqualTo("arm64");
    }

    @Test
    void aCachedImageIsNotFetchedAgainButPullFetchesItsManifest() throws Exception {
        CachedImageStore store = store(new CopyOnWriteArrayList<>());
        store.resolve(ref("kiln/kernel:6.1"), "amd64", false);
        String before = registry.log();
        store.resolve(ref("kiln/kernel:6.1"), "amd64", false);
        assertThat(registry.log().substring(before.length())).doesNotContain("/v2/kiln/kernel");

        store.resolve(ref("kiln/kernel:6.1"), "amd64", true);
        String pulled = registry.log().substring(before.length());
        assertThat(pulled).contains("/v2/kiln/kernel/manifests/6.1").doesNotContain("/blobs/" + kernel.layer().digest());
    }

    @Test
    void aTamperedRegistryBlobIsRefusedByDigestAndNothingIsCached() throws Exception {
        Files.createDirectories(work.resolve("tamper-src"));
        Files.write(work.resolve("tamper-src/f"), Fixtures.bytes(4096, 11));
        Packer.Packed bad = new Packer(seed, Events.none()).pack(work.resolve("tamper-src"), "kiln.test/tamper:1", Platform.AMD64, Map.of());
        push("kiln.test/tamper:1", "kiln/tamper:1");
        flipLastByte(registry.blobFile(bad.layer().digest()));

        String layer = bad.layer().digest();
        assertThatThrownBy(() -> store(new CopyOnWriteArrayList<>()).resolve(ref("kiln/tamper:1"), "amd64", false))
                .isInstanceOf(KilnException.class).hasMessageContaining(layer).hasMessageContaining("refused");
        assertThat(OciLayout.open(cache).entries()).isEmpty();
        assertThat(Files.exists(cache.resolve("blobs/sha256/" + layer.substring(7)))).isFalse();
        try (Stream<Path> temps = Files.list(cache.resolve(".kiln-tmp"))) {
            assertThat(temps).isEmpty();
        }
    }

    @Test
    void aTamperedCacheBlobFailsTheLayerReadNamingIt() throws Exception {
        LocalImage image = store(new CopyOnWriteArrayList<>()).resolve(ref("kiln/kernel:6.1"), "amd64", false);
        flipLastByte(cache.resolve("blobs/sha256/" + kernel.layer().digest().substring(7)));

        assertThatThrownBy(() -> files(image.layers().get(0)))
                .isInstanceOf(KilnException.class).hasMessageContaining(kernel.layer().digest());
    }

    @Test
    void twoThreadsResolvingTheSameImageLeaveAValidCache() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CachedImageStore a = store(new CopyOnWriteArrayList<>());
            CachedImageStore b = store(new CopyOnWriteArrayList<>());
            Future<LocalImage> x = pool.submit(() -> a.resolve(ref("kiln/init:1"), "amd64", false));
            Future<LocalImage> y = pool.submit(() -> b.resolve(ref("kiln/init:1"), "amd64", false));
            assertThat(x.get().manifestDigest()).isEqualTo(y.get().manifestDigest());
        } finally {
            pool.shutdown();
        }
        OciLayout layout = OciLayout.open(cache);
        assertThat(layout.entries()).hasSize(1);
        LocalImage again = store(new CopyOnWriteArrayList<>()).resolve(ref("kiln/init:1"), "amd64", false);
        assertThat(files(again.layers().get(0)).get("bin/busybox")).isEqualTo(Files.readAllBytes(Path.of("/bin/busybox")));
        LocalRegistry.run(cache, List.of("skopeo", "inspect", "--raw", "oci:" + cache + ":" + ref("kiln/init:1")));
    }

    @Test
    void aSinglePlatformImageForAnotherArchitectureIsRefused() {
        assertThatThrownBy(() -> store(new CopyOnWriteArrayList<>()).resolve(ref("kiln/kernel:6.1"), "arm64", false))
                .isInstanceOf(KilnException.class).hasMessageContaining("linux/amd64").hasMessageContaining("--arch");
    }

    @Test
    void aMissingTagIsNamedInTheError() {
        assertThatThrownBy(() -> store(new CopyOnWriteArrayList<>()).resolve(ref("kiln/kernel:nope"), "amd64", false))
                .isInstanceOf(KilnException.class).hasMessageContaining("nope").hasMessageContaining("kiln/kernel");
    }

    @Test
    void aMirrorServesARegistryThatIsNotReachable() throws Exception {
        RegistryOptions options = RegistryOptions.of(List.of("kiln.invalid=http://" + registry.host()), List.of(),
                Map.of("HOME", cache.toString())).withRetries(1, Duration.ofMillis(10));
        LocalImage image = new CachedImageStore(cache, options, Events.none()).resolve("kiln.invalid/kiln/svc:1", "amd64", false);

        assertThat(image.reference()).isEqualTo("kiln.invalid/kiln/svc:1");
        assertThat(image.manifestDigest()).isEqualTo(service.manifest().digest());
    }

    @Test
    void aDeadMirrorFallsBackToTheRegistry() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        RegistryOptions options = RegistryOptions.of(List.of(registry.host() + "=http://127.0.0.1:" + LocalRegistry.freePort()),
                List.of(), Map.of("HOME", cache.toString())).withRetries(1, Duration.ofMillis(10));
        LocalImage image = new CachedImageStore(cache, options, new Events(events::add, "t")).resolve(ref("kiln/svc:1"), "amd64", false);

        assertThat(image.manifestDigest()).isEqualTo(service.manifest().digest());
        assertThat(events).anyMatch(e -> e instanceof Event.Log l && l.message().startsWith("mirror http://127.0.0.1:"));
    }

    @Test
    void transientServerErrorsAreRetried() throws Exception {
        try (FlakyProxy proxy = FlakyProxy.start(registry.port(), 2)) {
            List<Event> events = new CopyOnWriteArrayList<>();
            LocalImage image = store(events).resolve("127.0.0.1:" + proxy.port() + "/kiln/svc:1", "amd64", false);

            assertThat(image.manifestDigest()).isEqualTo(service.manifest().digest());
            assertThat(proxy.failed()).isEqualTo(2);
            assertThat(events).filteredOn(e -> e instanceof Event.Log l && l.message().contains("503")).hasSize(2);
        }
    }

    static Map<String, byte[]> files(Layer layer) throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        try (InputStream in = layer.open(); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                out.put(e.getName(), e.isFile() ? tar.readAllBytes() : new byte[0]);
            }
            in.transferTo(OutputStreamSink.INSTANCE);
        }
        return out;
    }

    static void flipLastByte(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(f.length() - 1);
            int b = f.read();
            f.seek(f.length() - 1);
            f.write(b ^ 0xff);
        }
    }

    /** Discards bytes; reading a layer to its end is what triggers the digest check. */
    static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
