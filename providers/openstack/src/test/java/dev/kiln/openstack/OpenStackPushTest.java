package dev.kiln.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.Architecture;
import dev.kiln.api.Artifact;
import dev.kiln.api.BootMode;
import dev.kiln.api.DiskSource;
import dev.kiln.api.Events;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.KilnException;
import dev.kiln.api.PublishPolicy;
import dev.kiln.spi.Provider;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.testkit.ProviderHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** push openstack against a real Keystone and Glance ({@link KeystoneGlance}), through the recording proxy. */
class OpenStackPushTest {

    @TempDir
    Path tmp;

    private KeystoneGlance rig;

    @BeforeEach
    void rig() throws Exception {
        rig = KeystoneGlance.shared();
        rig.proxy.reset();
    }

    private ProviderHarness harness(Map<String, String> env) {
        ProviderHarness h = new ProviderHarness(new OpenStackProviderFactory(), tmp);
        env.forEach(h::env);
        return h;
    }

    private static PushResult push(ProviderHarness h, PushRequest request) throws Exception {
        try (Provider p = new OpenStackProviderFactory().create(h.pushContext())) {
            return p.push(request);
        }
    }

    private static String digest() {
        return "blocks-sha256:" + UUID.randomUUID().toString().replace("-", "").repeat(2);
    }

    /** A sparse raw disk and its qcow2, written by kiln's own conversions. */
    private Path qcow2(ProviderHarness h, String name) throws Exception {
        Path raw = ProviderHarness.sampleDisk(tmp, name, 24L << 20);
        Path out = tmp.resolve(name + ".qcow2");
        try (DiskSource disk = h.pushContext().conversions().open(raw)) {
            h.pushContext().conversions().write(disk, ImageFormat.QCOW2, out, name, Events.none());
        }
        return out;
    }

    private static String hash(String algorithm, Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance(algorithm);
        md.update(Files.readAllBytes(file));
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void qcow2GoesUpAsStoredBytesWithPropertiesAndMatchingChecksums() throws Exception {
        ProviderHarness h = harness(rig.passwordEnv()).flag("os-distro", "linuxkit").flag("property", "hw_disk_bus=scsi")
                .flag("min-ram", "256");
        Path image = qcow2(h, "os-props");
        String digest = digest();
        PushRequest request = new PushRequest(Artifact.single(ImageFormat.QCOW2_EFI, image), "os-props",
                Architecture.AMD64, Set.of(BootMode.UEFI), digest, new PublishPolicy(PublishPolicy.IfExists.SKIP, false, List.of(), Optional.empty(),
                Map.of("team", "os")),
                false);

        PushResult result = push(h, request);

        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.CREATED);
        String id = result.images().get(0).imageId();
        assertThat(result.images().get(0).location()).isEqualTo("RegionOne");
        assertThat(Files.readAllBytes(rig.storedFile(id))).isEqualTo(Files.readAllBytes(image));
        JsonNode glance = rig.image(id);
        assertThat(glance.path("status").asText()).isEqualTo("active");
        assertThat(glance.path("checksum").asText()).isEqualTo(hash("MD5", image));
        assertThat(glance.path("os_hash_algo").asText()).isEqualTo("sha512");
        assertThat(glance.path("os_hash_value").asText()).isEqualTo(hash("SHA-512", image));
        assertThat(glance.path("disk_format").asText()).isEqualTo("qcow2");
        assertThat(glance.path("container_format").asText()).isEqualTo("bare");
        assertThat(glance.path("visibility").asText()).isEqualTo("private");
        assertThat(glance.path("min_disk").asInt()).isEqualTo(1);
        assertThat(glance.path("min_ram").asInt()).isEqualTo(256);
        assertThat(glance.path("architecture").asText()).isEqualTo("x86_64");
        assertThat(glance.path("hw_firmware_type").asText()).isEqualTo("uefi");
        assertThat(glance.path("hw_machine_type").asText()).isEqualTo("q35");
        assertThat(glance.path("os_distro").asText()).isEqualTo("linuxkit");
        assertThat(glance.path("hw_disk_bus").asText()).isEqualTo("scsi");
        assertThat(glance.path("kiln_digest").asText()).isEqualTo(digest);
        assertThat(glance.path("tags").toString()).contains("team=os");
        assertThat(rig.proxy.mutations()).containsExactly("POST /v2/images", "PUT /v2/images/{id}/file");
        assertThat(rig.proxy.uploaded.get()).isGreaterThanOrEqualTo(Files.size(image));
    }

    /**
     * 600 MiB + 20 KiB, sparse: 6 MiB of random data at the start, 4 MiB across the 512 MiB L2 boundary, the tail,
     * and 8 MiB of written zeros at 300 MiB (allocated, like a file system's zeroed journal), which no qcow2 stores.
     */
    private Path scatteredRaw(String name) throws Exception {
        long size = (600L << 20) + 20 * 1024;
        Path raw = tmp.resolve(name + ".raw");
        java.util.Random random = new java.util.Random(15);
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(raw.toFile(), "rw")) {
            f.setLength(size);
            for (long[] run : new long[][] {{0, 6L << 20}, {(512L << 20) - (2L << 20), 4L << 20}, {size - 5000, 5000}}) {
                byte[] b = new byte[(int) run[1]];
                random.nextBytes(b);
                f.seek(run[0]);
                f.write(b);
            }
            f.seek(300L << 20);
            f.write(new byte[8 << 20]);
        }
        return raw;
    }

    private static String qemuImg(Path dir, String... args) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-img")),
                "qemu-img is missing: install qemu-utils (./test --install-only)");
        List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/qemu-img"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command) + ":\n" + out).isZero();
        return out;
    }

    private static List<Path> filesUnder(Path dir) throws Exception {
        try (var walk = Files.walk(dir)) {
            return walk.filter(p -> !p.equals(dir)).toList();
        }
    }

    /** The threads writing a qcow2 for an upload have all ended. */
    private static void noQcow2Writer() throws Exception {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("kiln-qcow2-stream")) {
                t.join(30_000);
                assertThat(t.isAlive()).as("the qcow2 writer stopped with the upload").isFalse();
            }
        }
    }

    @Test
    void aRawDiskIsStreamedAsQcow2HoldingTheSameContentWithNothingWrittenToTheWorkFolder() throws Exception {
        Path work = Files.createDirectory(tmp.resolve("work"));
        ProviderHarness h = new ProviderHarness(new OpenStackProviderFactory(), work);
        rig.passwordEnv().forEach(h::env);
        Path raw = scatteredRaw("os-raw");
        long planned;
        try (DiskSource disk = h.pushContext().conversions().open(raw)) {
            planned = h.pushContext().conversions().streamBound(
                    disk.narrowedTo(h.pushContext().conversions().dataExtents(disk, 65536)), ImageFormat.QCOW2);
        }
        PushRequest request = new PushRequest(Artifact.single(ImageFormat.RAW_BIOS, raw), "os-raw", Architecture.ARM64,
                Set.of(BootMode.UEFI, BootMode.BIOS), digest(), PublishPolicy.DEFAULT, false);
        List<List<Path>> midway = new java.util.ArrayList<>();
        rig.proxy.whenUploaded(3L << 20, () -> {
            try {
                midway.add(filesUnder(work));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        String id = push(h, request).images().get(0).imageId();

        assertThat(midway).as("the work folder 3 MiB into the upload").containsExactly(List.of());
        assertThat(filesUnder(work)).as("the work folder after the upload").isEmpty();
        assertThat(rig.proxy.mutations()).containsExactly("POST /v2/images", "PUT /v2/images/{id}/file");
        JsonNode glance = rig.image(id);
        assertThat(glance.path("disk_format").asText()).isEqualTo("qcow2");
        assertThat(glance.path("architecture").asText()).isEqualTo("aarch64");
        assertThat(glance.path("hw_firmware_type").asText()).as("arm64 boots UEFI").isEqualTo("uefi");
        Path stored = rig.storedFile(id);
        assertThat(Files.size(stored)).as("the stored qcow2 is as long as planned before sending").isEqualTo(planned)
                .isEqualTo(glance.path("size").asLong())
                .as("only the 10 MiB of non-zero clusters and the tables, not the 8 MiB of written zeros")
                .isLessThan((10L << 20) + (1L << 20));
        assertThat(glance.path("checksum").asText()).isEqualTo(hash("MD5", stored));
        assertThat(glance.path("os_hash_value").asText()).isEqualTo(hash("SHA-512", stored));
        qemuImg(tmp, "check", "-f", "qcow2", stored.toString());
        assertThat(qemuImg(tmp, "compare", "-f", "raw", "-F", "qcow2", raw.toString(), stored.toString()))
                .contains("identical");
        assertThat(h.events().text()).contains("MD5 and sha512 match");
    }

    @Test
    void aRawDiskIsStagedAsStreamedQcow2ForAGlanceDirectImport() throws Exception {
        Path work = Files.createDirectory(tmp.resolve("work"));
        ProviderHarness h = new ProviderHarness(new OpenStackProviderFactory(), work).flag("import-method",
                "glance-direct");
        rig.passwordEnv().forEach(h::env);
        Path raw = scatteredRaw("os-raw-direct");

        String id = push(h, PushRequest.of(raw, ImageFormat.RAW_BIOS, "os-raw-direct", digest())).images().get(0)
                .imageId();

        assertThat(rig.proxy.mutations()).containsExactly("POST /v2/images", "PUT /v2/images/{id}/stage",
                "POST /v2/images/{id}/import");
        assertThat(filesUnder(work)).as("the work folder after the import").isEmpty();
        Path stored = rig.storedFile(id);
        JsonNode glance = rig.image(id);
        assertThat(glance.path("disk_format").asText()).isEqualTo("qcow2");
        assertThat(glance.path("checksum").asText()).isEqualTo(hash("MD5", stored));
        assertThat(glance.path("os_hash_value").asText()).isEqualTo(hash("SHA-512", stored));
        assertThat(qemuImg(tmp, "compare", "-f", "raw", "-F", "qcow2", raw.toString(), stored.toString()))
                .contains("identical");
    }

    @Test
    void anApplicationCredentialSignsIn() throws Exception {
        Map<String, String> env = new java.util.LinkedHashMap<>(rig.passwordEnv());
        env.remove("OS_USERNAME");
        env.remove("OS_PASSWORD");
        env.remove("OS_PROJECT_NAME");
        env.put("OS_AUTH_TYPE", "v3applicationcredential");
        env.put("OS_APPLICATION_CREDENTIAL_ID", rig.appCredentialId);
        env.put("OS_APPLICATION_CREDENTIAL_SECRET", rig.appCredentialSecret);
        ProviderHarness h = harness(env);

        PushResult result = push(h, PushRequest.of(qcow2(h, "os-appcred"), ImageFormat.QCOW2_BIOS, "os-appcred",
                digest()));

        assertThat(rig.image(result.images().get(0).imageId()).path("owner").asText()).isEqualTo(rig.projectId);
        assertThat(h.events().text()).doesNotContain(rig.appCredentialSecret);
    }

    @Test
    void aTokenSignsIn() throws Exception {
        Map<String, String> env = new java.util.LinkedHashMap<>(rig.passwordEnv());
        env.remove("OS_USERNAME");
        env.remove("OS_PASSWORD");
        env.put("OS_AUTH_TYPE", "v3token");
        env.put("OS_TOKEN", rig.userToken());
        ProviderHarness h = harness(env);

        PushResult result = push(h, PushRequest.of(qcow2(h, "os-token"), ImageFormat.QCOW2_BIOS, "os-token", digest()));

        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.CREATED);
    }

    @Test
    void aWrongPasswordNamesWhereTheCredentialsCameFrom() throws Exception {
        Map<String, String> env = new java.util.LinkedHashMap<>(rig.passwordEnv());
        env.put("OS_PASSWORD", "wrong-password-123");
        ProviderHarness h = harness(env);
        Set<String> before = rig.images();

        assertThatThrownBy(() -> push(h, PushRequest.of(qcow2(h, "os-wrong"), ImageFormat.QCOW2_BIOS, "os-wrong",
                digest()))).isInstanceOf(KilnException.class).hasMessageContaining("HTTP 401")
                .hasMessageContaining("OS_*").hasMessageNotContaining("wrong-password-123");
        assertThat(rig.images()).isEqualTo(before);
    }

    @Test
    void cloudsYamlWithSecureYamlMergedSignsIn() throws Exception {
        Path home = tmp.resolve("home");
        Path dir = Files.createDirectories(home.resolve(".config/openstack"));
        Files.writeString(dir.resolve("clouds.yaml"), """
                clouds:
                  lab:
                    auth:
                      auth_url: %s
                      username: %s
                      project_name: admin
                      user_domain_name: Default
                      project_domain_name: Default
                    region_name: RegionOne
                    interface: public
                  other:
                    auth:
                      auth_url: http://127.0.0.1:1/v3
                """.formatted(rig.keystone(), KeystoneGlance.USER));
        Files.writeString(dir.resolve("secure.yaml"), """
                clouds:
                  lab:
                    auth:
                      password: %s
                """.formatted(KeystoneGlance.PASSWORD));
        ProviderHarness h = harness(Map.of("HOME", home.toString(), "OS_CLOUD", "lab"));

        PushResult result = push(h, PushRequest.of(qcow2(h, "os-clouds"), ImageFormat.QCOW2_BIOS, "os-clouds",
                digest()));

        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.CREATED);
        assertThat(h.events().text()).contains("secure.yaml").doesNotContain(KeystoneGlance.PASSWORD);
    }

    @Test
    void theInternalInterfaceReachesGlanceDirectlyAndAnUnknownRegionIsRefused() throws Exception {
        ProviderHarness h = harness(rig.passwordEnv()).flag("interface", "internal");
        PushResult result = push(h, PushRequest.of(qcow2(h, "os-internal"), ImageFormat.QCOW2_BIOS, "os-internal",
                digest()));
        assertThat(rig.image(result.images().get(0).imageId()).path("status").asText()).isEqualTo("active");
        assertThat(rig.proxy.mutations()).as("the public endpoint (the proxy) was not used").isEmpty();

        ProviderHarness elsewhere = harness(rig.passwordEnv()).flag("region", "Nowhere");
        assertThatThrownBy(() -> push(elsewhere, PushRequest.of(qcow2(elsewhere, "os-nowhere"),
                ImageFormat.QCOW2_BIOS, "os-nowhere", digest()))).isInstanceOf(KilnException.class)
                .hasMessageContaining("region Nowhere").hasMessageContaining("public@RegionOne");
    }

    @Test
    void ifExistsSkipFindsTheDigestAndReplaceDeletesTheOldImageAfter() throws Exception {
        ProviderHarness h = harness(rig.passwordEnv());
        Path image = qcow2(h, "os-again");
        String digest = digest();
        PushResult first = push(h, PushRequest.of(image, ImageFormat.QCOW2_BIOS, "os-again", digest));
        rig.proxy.reset();

        PushResult skipped = push(h, PushRequest.of(image, ImageFormat.QCOW2_BIOS, "os-again", digest));
        assertThat(skipped.outcome()).isEqualTo(PushResult.Outcome.EXISTED);
        assertThat(skipped.images()).isEqualTo(first.images());
        assertThat(rig.proxy.mutations()).isEmpty();

        PushResult replaced = push(h, PushRequest.of(image, ImageFormat.QCOW2_BIOS, "os-again", digest())
                .withPolicy(PublishPolicy.DEFAULT.withIfExists(PublishPolicy.IfExists.REPLACE)));
        assertThat(replaced.outcome()).isEqualTo(PushResult.Outcome.REPLACED);
        assertThat(rig.proxy.mutations()).containsExactly("POST /v2/images", "PUT /v2/images/{id}/file",
                "DELETE /v2/images/{id}");
        assertThat(rig.imagesNamed("os-again")).containsOnlyKeys(replaced.images().get(0).imageId());

        assertThatThrownBy(() -> push(h, PushRequest.of(image, ImageFormat.QCOW2_BIOS, "os-again", digest())
                .withPolicy(PublishPolicy.DEFAULT.withIfExists(PublishPolicy.IfExists.FAIL))))
                .isInstanceOf(KilnException.class).hasMessageContaining(replaced.images().get(0).imageId());
    }

    @Test
    void glanceDirectImportStagesTheDataThenImportsItAndTheChecksumsMatch() throws Exception {
        ProviderHarness h = harness(rig.passwordEnv()).flag("import-method", "glance-direct");
        Path image = qcow2(h, "os-direct");

        PushResult result = push(h, PushRequest.of(image, ImageFormat.QCOW2_BIOS, "os-direct", digest()));

        String id = result.images().get(0).imageId();
        assertThat(rig.proxy.mutations()).containsExactly("POST /v2/images", "PUT /v2/images/{id}/stage",
                "POST /v2/images/{id}/import");
        assertThat(Files.readAllBytes(rig.storedFile(id))).isEqualTo(Files.readAllBytes(image));
        JsonNode glance = rig.image(id);
        assertThat(glance.path("status").asText()).isEqualTo("active");
        assertThat(glance.path("checksum").asText()).isEqualTo(hash("MD5", image));
        assertThat(glance.path("os_hash_value").asText()).isEqualTo(hash("SHA-512", image));
        assertThat(h.events().text()).contains("glance-direct import").contains("MD5 and sha512 match");
    }

    @Test
    void aRefusedImportFallsBackToAPlainUploadSayingSoAndLeavesOneImage() throws Exception {
        ProviderHarness h = harness(rig.passwordEnv()).flag("import-method", "glance-direct");
        Path image = qcow2(h, "os-fallback");
        rig.proxy.failMutation(3);

        PushResult result = push(h, PushRequest.of(image, ImageFormat.QCOW2_BIOS, "os-fallback", digest()));

        String id = result.images().get(0).imageId();
        assertThat(rig.proxy.mutations()).containsExactly("POST /v2/images", "PUT /v2/images/{id}/stage",
                "POST /v2/images/{id}/import", "DELETE /v2/images/{id}", "POST /v2/images",
                "PUT /v2/images/{id}/file");
        assertThat(rig.imagesNamed("os-fallback")).containsOnlyKeys(id);
        assertThat(Files.readAllBytes(rig.storedFile(id))).isEqualTo(Files.readAllBytes(image));
        assertThat(h.events().text()).contains("glance-direct import").contains("failed")
                .contains("uploading the data plainly");
    }

    @Test
    void anImportThatFailsInGlanceFallsBackToAPlainUploadAndLeavesOneImage() throws Exception {
        ProviderHarness h = harness(rig.passwordEnv()).flag("import-method", "glance-direct")
                .flag("image-timeout", "60s");
        Path image = qcow2(h, "os-import-fails");
        // the staged data vanishes before Glance is asked to import it, so Glance's import task fails
        rig.proxy.onMutation(3, () -> {
            try (var staged = Files.list(rig.root.resolve("r/staging"))) {
                staged.forEach(dev.kiln.api.Trees::deleteQuietly);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        PushResult result = push(h, PushRequest.of(image, ImageFormat.QCOW2_BIOS, "os-import-fails", digest()));

        String id = result.images().get(0).imageId();
        assertThat(rig.proxy.mutations()).containsExactly("POST /v2/images", "PUT /v2/images/{id}/stage",
                "POST /v2/images/{id}/import", "DELETE /v2/images/{id}", "POST /v2/images",
                "PUT /v2/images/{id}/file");
        assertThat(rig.imagesNamed("os-import-fails")).containsOnlyKeys(id);
        assertThat(Files.readAllBytes(rig.storedFile(id))).isEqualTo(Files.readAllBytes(image));
        assertThat(h.events().text()).as("Glance's task message is reported")
                .containsPattern("the import failed \\(.+\\)").contains("uploading the data plainly");
    }

    @Test
    void webDownloadFromKilnsOwnServerImportsTheFileAndStopsServingAfter() throws Exception {
        ProviderHarness h = harness(rig.passwordEnv()).flag("import-method", "web-download")
                .flag("serve", "127.0.0.1:0");
        Path image = qcow2(h, "os-served");

        PushResult result = push(h, PushRequest.of(image, ImageFormat.QCOW2_BIOS, "os-served", digest()));

        String id = result.images().get(0).imageId();
        assertThat(rig.proxy.mutations()).as("no data went through the API").containsExactly("POST /v2/images",
                "POST /v2/images/{id}/import");
        assertThat(Files.readAllBytes(rig.storedFile(id))).isEqualTo(Files.readAllBytes(image));
        JsonNode glance = rig.image(id);
        assertThat(glance.path("status").asText()).isEqualTo("active");
        assertThat(glance.path("checksum").asText()).isEqualTo(hash("MD5", image));
        assertThat(glance.path("os_hash_value").asText()).isEqualTo(hash("SHA-512", image));
        String log = h.events().text();
        assertThat(log).as("Glance fetched the file from kiln").containsPattern("served 127\\.0\\.0\\.1 .*\"GET /[0-9a-f-]{36}"
                + "/os-served\\.qcow2\" 200 " + Files.size(image)).contains("MD5 and sha512 match");
        java.util.regex.Matcher at = java.util.regex.Pattern.compile(
                "serving os-served\\.qcow2 at (http://127\\.0\\.0\\.1:\\d+)/").matcher(log);
        assertThat(at.find()).isTrue();
        assertThatThrownBy(() -> java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(at.group(1) + "/")).build(), java.net.http.HttpResponse.BodyHandlers.discarding()))
                .as("the server is gone once the image is active").isInstanceOf(java.io.IOException.class);
    }

    @Test
    void webDownloadFromASourceUrlTakesTheFileAsItIs() throws Exception {
        ProviderHarness h = harness(rig.passwordEnv()).flag("import-method", "web-download");
        Path dir = Files.createDirectories(tmp.resolve("site"));
        Path raw = ProviderHarness.sampleDisk(dir, "os-url", 4L << 20);
        List<String> fetched = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (dev.kiln.spi.FileServer site = dev.kiln.spi.FileServer.start(dir, "127.0.0.1:0", fetched::add)) {
            h.flag("source-url", site.url() + raw.getFileName());

            PushResult result = push(h, PushRequest.of(raw, ImageFormat.RAW_BIOS, "os-url", digest()));

            String id = result.images().get(0).imageId();
            assertThat(rig.proxy.mutations()).containsExactly("POST /v2/images", "POST /v2/images/{id}/import");
            assertThat(rig.image(id).path("disk_format").asText()).as("the URL serves raw, so raw it is")
                    .isEqualTo("raw");
            assertThat(Files.readAllBytes(rig.storedFile(id))).isEqualTo(Files.readAllBytes(raw));
            assertThat(fetched).anyMatch(l -> l.contains("\"GET /" + raw.getFileName() + "\" 200"));
            assertThat(Files.list(tmp).filter(p -> p.toString().endsWith(".qcow2")).toList()).as("no conversion")
                    .isEmpty();
        }
    }

    @Test
    void aWebDownloadGlanceCannotFetchReportsTheTaskMessageAndFallsBackToAnUpload() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("empty-site"));
        try (dev.kiln.spi.FileServer site = dev.kiln.spi.FileServer.start(dir, "127.0.0.1:0", line -> { })) {
            ProviderHarness h = harness(rig.passwordEnv()).flag("import-method", "web-download")
                    .flag("source-url", site.url() + "missing.qcow2").flag("image-timeout", "120s");
            Path image = qcow2(h, "os-404");

            PushResult result = push(h, PushRequest.of(image, ImageFormat.QCOW2_BIOS, "os-404", digest()));

            String id = result.images().get(0).imageId();
            assertThat(rig.proxy.mutations()).containsExactly("POST /v2/images", "POST /v2/images/{id}/import",
                    "DELETE /v2/images/{id}", "POST /v2/images", "PUT /v2/images/{id}/file");
            assertThat(rig.imagesNamed("os-404")).containsOnlyKeys(id);
            assertThat(Files.readAllBytes(rig.storedFile(id))).isEqualTo(Files.readAllBytes(image));
            assertThat(h.events().text()).as("Glance's task message is reported").containsPattern(
                    "the web-download import of .* failed \\(.*the import failed \\(.+\\)")
                    .contains("uploading the data plainly");
        }
    }

    @Test
    void aSourceUrlServingOtherBytesFailsTheChecksumAndLeavesNothing() throws Exception {
        ProviderHarness h = harness(rig.passwordEnv()).flag("import-method", "web-download");
        Path image = qcow2(h, "os-other");
        Path dir = Files.createDirectories(tmp.resolve("other-site"));
        byte[] other = Files.readAllBytes(image);
        other[other.length - 1] ^= 1;
        Files.write(dir.resolve("os-other.qcow2"), other);
        Set<String> before = rig.images();
        try (dev.kiln.spi.FileServer site = dev.kiln.spi.FileServer.start(dir, "127.0.0.1:0", line -> { })) {
            h.flag("source-url", site.url() + "os-other.qcow2");

            Throwable failure = catchThrowable(() -> push(h, PushRequest.of(image, ImageFormat.QCOW2_BIOS, "os-other",
                    digest())));

            assertThat(failure).isInstanceOf(KilnException.class).hasMessageContaining("os_hash_value")
                    .hasMessageContaining("removed Glance image");
            assertThat(rig.images()).isEqualTo(before);
        }
    }

    @Test
    void aWebDownloadThatHangsIsBoundedByTheImageTimeoutAndFallsBack() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            // accepts Glance's connection (the kernel does) and never answers
            ProviderHarness h = harness(rig.passwordEnv()).flag("import-method", "web-download")
                    .flag("source-url", "http://127.0.0.1:" + silent.getLocalPort() + "/hangs.qcow2")
                    .flag("image-timeout", "5s");
            Path image = qcow2(h, "os-hangs");

            PushResult result = push(h, PushRequest.of(image, ImageFormat.QCOW2_BIOS, "os-hangs", digest()));

            String id = result.images().get(0).imageId();
            assertThat(rig.imagesNamed("os-hangs")).containsOnlyKeys(id);
            assertThat(rig.image(id).path("status").asText()).isEqualTo("active");
            assertThat(h.events().text()).contains("the web-download import of").contains("--image-timeout")
                    .contains("uploading the data plainly");
        }
    }

    @Test
    void webDownloadFlagsAreCheckedBeforeSigningIn() throws Exception {
        Map<List<String>, String> refused = new java.util.LinkedHashMap<>();
        refused.put(List.of("import-method", "web-download"), "--source-url URL");
        refused.put(List.of("import-method", "copy-image"), "glance-direct or web-download");
        refused.put(List.of("source-url", "http://example.test/a.qcow2"), "--import-method web-download");
        refused.put(List.of("import-method", "web-download", "source-url", "file:///etc/passwd"), "http://");
        refused.put(List.of("import-method", "web-download", "serve", ":0"), "--serve-url");
        refused.put(List.of("import-method", "web-download", "serve", "127.0.0.1:0", "source-url",
                "http://example.test/a.qcow2"), "one of them");
        Map<String, String> env = new java.util.LinkedHashMap<>(rig.passwordEnv());
        env.put("OS_AUTH_URL", "http://127.0.0.1:1/v3");
        Path image = Files.write(tmp.resolve("os-flags.qcow2"), OpenStackFixtures.smallQcow2());
        for (Map.Entry<List<String>, String> c : refused.entrySet()) {
            ProviderHarness h = harness(env);
            for (int i = 0; i < c.getKey().size(); i += 2) {
                h.flag(c.getKey().get(i), c.getKey().get(i + 1));
            }
            assertThatThrownBy(() -> push(h, PushRequest.of(image, ImageFormat.QCOW2_BIOS, "os-flags", digest())))
                    .as("%s", c.getKey()).isInstanceOf(KilnException.class)
                    .hasMessageContaining(c.getValue());
        }
    }

    @Test
    void aChecksumMismatchDeletesTheImageAndFails() throws Exception {
        ProviderHarness h = harness(rig.passwordEnv());
        Path image = qcow2(h, "os-flip");
        Set<String> before = rig.images();
        rig.proxy.flipOneByteOfNextUpload();

        Throwable failure = catchThrowable(() -> push(h, PushRequest.of(image, ImageFormat.QCOW2_BIOS, "os-flip",
                digest())));

        assertThat(failure).isInstanceOf(KilnException.class).hasMessageContaining("os_hash_value")
                .hasMessageContaining("removed Glance image");
        assertThat(rig.images()).isEqualTo(before);
    }

    @Test
    void a503MidUploadLeavesNothingBehind() throws Exception {
        ProviderHarness h = harness(rig.passwordEnv());
        Map<Path, ImageFormat> images = Map.of(qcow2(h, "os-503"), ImageFormat.QCOW2_BIOS,
                scatteredRaw("os-503-raw"), ImageFormat.RAW_BIOS);
        for (Map.Entry<Path, ImageFormat> image : images.entrySet()) {
            Set<String> before = rig.images();
            rig.proxy.breakNextUploadHalfway();

            Throwable failure = catchThrowable(() -> push(h, PushRequest.of(image.getKey(), image.getValue(), "os-503",
                    digest())));

            assertThat(failure).as(image.getValue().id()).isInstanceOf(KilnException.class)
                    .hasMessageContaining("removed Glance image");
            assertThat(rig.images()).isEqualTo(before);
            noQcow2Writer();
        }
    }

    @Test
    void ctrlCDuringTheUploadDeletesTheQueuedImage() throws Exception {
        Map<String, ImageFormat> images = Map.of("os-cancel", ImageFormat.QCOW2_BIOS, "os-cancel-raw",
                ImageFormat.RAW_BIOS);
        for (Map.Entry<String, ImageFormat> image : images.entrySet()) {
            ProviderHarness h = harness(rig.passwordEnv());
            Path file = image.getValue() == ImageFormat.RAW_BIOS ? scatteredRaw(image.getKey()) : qcow2(h, image.getKey());
            Set<String> before = rig.images();
            rig.proxy.onMutation(2, h.cancel()::cancel);

            Throwable failure = catchThrowable(() -> push(h, PushRequest.of(file, image.getValue(), image.getKey(),
                    digest())));

            assertThat(failure).as(image.getKey()).isInstanceOf(InterruptedException.class)
                    .hasMessageContaining("removed Glance image");
            assertThat(rig.images()).isEqualTo(before);
            noQcow2Writer();
        }
    }

    @Test
    void aDryRunLooksButMakesNothing() throws Exception {
        ProviderHarness h = harness(rig.passwordEnv());
        Path raw = ProviderHarness.sampleDisk(tmp, "os-dry", 8L << 20);

        PushResult result = push(h, PushRequest.of(raw, ImageFormat.RAW_EFI, "os-dry", digest()).withDryRun(true));

        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.DRY_RUN);
        assertThat(rig.proxy.mutations()).isEmpty();
        assertThat(Files.list(tmp).filter(p -> p.toString().endsWith(".qcow2")).toList()).as("no conversion").isEmpty();
    }
}
