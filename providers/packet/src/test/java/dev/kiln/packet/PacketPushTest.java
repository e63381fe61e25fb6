package dev.kiln.packet;

import dev.kiln.api.Architecture;
import dev.kiln.api.KilnException;
import dev.kiln.api.PublishPolicy;
import dev.kiln.spi.Provider;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.spi.Resource;
import dev.kiln.testkit.ProviderHarness;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** push packet to a directory and to an S3-compatible bucket (S3Mock): files, script, URLs, ACLs, presigning. */
class PacketPushTest {

    private static final String DIGEST = "sha256:" + "12".repeat(32);

    @TempDir
    Path tmp;

    private PushResult push(ProviderHarness harness, PushRequest request) throws Exception {
        try (Provider p = new EquinixMetalProviderFactory().create(harness.pushContext())) {
            return p.push(request);
        }
    }

    private ProviderHarness dir(Path www) {
        return new ProviderHarness(new EquinixMetalProviderFactory(), tmp).flag("destination", www.toString())
                .flag("base-url", "http://boot.example:8080/");
    }

    @Test
    void writesTheFourFilesAndAnEfiSafeScriptToADirectory() throws Exception {
        Path www = tmp.resolve("www");
        PushRequest request = PacketProviderTckTest.kernelInitrd(tmp, "hello", DIGEST);

        PushResult result = push(dir(www), request);

        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.CREATED);
        assertThat(result.provider()).isEqualTo("equinixmetal");
        assertThat(result.artifactId()).isEqualTo("http://boot.example:8080/hello-equinixmetal.ipxe");
        assertThat(result.resources()).extracting(Resource::type, Resource::id).containsExactly(
                org.assertj.core.groups.Tuple.tuple("kernel", "http://boot.example:8080/hello-kernel"),
                org.assertj.core.groups.Tuple.tuple("initrd", "http://boot.example:8080/hello-initrd.img"),
                org.assertj.core.groups.Tuple.tuple("ipxe-script", "http://boot.example:8080/hello-equinixmetal.ipxe"),
                org.assertj.core.groups.Tuple.tuple("ipxe-script-alias", "http://boot.example:8080/hello-packet.ipxe"));
        try (var files = Files.list(www)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("hello-kernel",
                    "hello-initrd.img", "hello-equinixmetal.ipxe", "hello-packet.ipxe");
        }
        assertThat(www.resolve("hello-kernel")).hasSameBinaryContentAs(request.artifact().file("kernel"));
        assertThat(www.resolve("hello-initrd.img")).hasSameBinaryContentAs(request.artifact().file("initrd"));
        String script = Files.readString(www.resolve("hello-equinixmetal.ipxe"));
        assertThat(script).contains("set base-url http://boot.example:8080\n",
                "initrd --name initrd ${base-url}/hello-initrd.img\n",
                "kernel ${base-url}/hello-kernel initrd=initrd ip=dhcp nomodeset ro console=ttyS1,115200 console=tty0 quiet\n",
                "boot\n");
        assertThat(Files.readString(www.resolve("hello-packet.ipxe"))).isEqualTo(script);
    }

    @Test
    void anArm64ImageGetsTheAmbaConsoleAndTheFlagOverridesIt() throws Exception {
        Path www = tmp.resolve("www");
        PushRequest arm = PacketProviderTckTest.kernelInitrd(tmp, "arm", DIGEST).withArch(Architecture.ARM64);
        push(dir(www), arm);
        push(dir(www).flag("kernel-console", "ttyS0,9600"), PacketProviderTckTest.kernelInitrd(tmp, "x86", DIGEST));

        assertThat(Files.readString(www.resolve("arm-equinixmetal.ipxe"))).contains(" ro console=ttyAMA0 console=tty0");
        assertThat(Files.readString(www.resolve("x86-equinixmetal.ipxe"))).contains(" ro console=ttyS0,9600 console=tty0");
    }

    @Test
    void aRepushOfTheSameDigestExistsAndAnotherDigestObeysIfExists() throws Exception {
        Path www = tmp.resolve("www");
        push(dir(www), PacketProviderTckTest.kernelInitrd(tmp, "hello", DIGEST));
        Path kernel = www.resolve("hello-kernel");
        long written = Files.getLastModifiedTime(kernel).toMillis();
        Files.setLastModifiedTime(kernel, java.nio.file.attribute.FileTime.fromMillis(written - 60_000));

        PushResult again = push(dir(www), PacketProviderTckTest.kernelInitrd(tmp, "hello", DIGEST));
        PushRequest other = PacketProviderTckTest.kernelInitrd(tmp, "hello2", "sha256:" + "34".repeat(32))
                .withContentDigest("sha256:" + "34".repeat(32));
        PushRequest renamed = new PushRequest(other.artifact(), "hello", other.arch(), other.bootModes(),
                other.contentDigest(), other.policy(), false);

        assertThat(again.outcome()).isEqualTo(PushResult.Outcome.EXISTED);
        assertThat(Files.getLastModifiedTime(kernel).toMillis()).isEqualTo(written - 60_000);
        assertThatThrownBy(() -> push(dir(www), renamed.withPolicy(PublishPolicy.DEFAULT.withIfExists(PublishPolicy.IfExists.FAIL))))
                .isInstanceOf(KilnException.class).hasMessageContaining("hello-equinixmetal.ipxe")
                .hasMessageContaining("--if-exists replace");
        PushResult replaced = push(dir(www), renamed.withPolicy(PublishPolicy.DEFAULT.withIfExists(PublishPolicy.IfExists.REPLACE)));
        assertThat(replaced.outcome()).isEqualTo(PushResult.Outcome.REPLACED);
        assertThat(Files.readString(kernel)).isEqualTo("kernel of hello2");
        assertThat(IpxeScript.recordedDigest(Files.readString(www.resolve("hello-equinixmetal.ipxe"))))
                .contains("sha256:" + "34".repeat(32));
    }

    @Test
    void decompressGunzipsTheInitrdAfterAnUncompressedMicrocodeCpio() throws Exception {
        byte[] ucode = cpio("kernel/x86/microcode/GenuineIntel.bin", "microcode");
        byte[] root = cpio("init", "#!/bin/sh\necho hi\n");
        ByteArrayOutputStream initrd = new ByteArrayOutputStream();
        initrd.write(ucode);
        initrd.write(new byte[512 - ucode.length % 512]);
        try (OutputStream gz = new GZIPOutputStream(initrd)) {
            gz.write(root);
        }
        PushRequest request = PacketProviderTckTest.kernelInitrd(tmp, "hello", DIGEST);
        Files.write(request.artifact().file("initrd"), initrd.toByteArray());
        Path www = tmp.resolve("www");

        push(dir(www).flag("decompress", "true"), request);

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(ucode);
        expected.write(new byte[512 - ucode.length % 512]);
        expected.write(root);
        assertThat(Files.readAllBytes(www.resolve("hello-initrd.img"))).isEqualTo(expected.toByteArray());
    }

    @Test
    void aDirectoryNeedsTheUrlItIsServedAt() {
        ProviderHarness harness = new ProviderHarness(new PacketProviderFactory(), tmp)
                .flag("destination", tmp.resolve("www").toString());

        assertThatThrownBy(() -> push(harness, PacketProviderTckTest.kernelInitrd(tmp, "hello", DIGEST)))
                .isInstanceOf(KilnException.class).hasMessageContaining("--base-url");
        assertThat(tmp.resolve("www")).doesNotExist();
    }

    @Test
    void publishesPublicReadObjectsToABucketThroughTheEndpoint() throws Exception {
        try (S3World world = new S3World()) {
            ProviderHarness harness = s3(world);

            PushResult result = push(harness, PacketProviderTckTest.kernelInitrd(tmp, "hello", DIGEST)
                    .withPolicy(new PublishPolicy(PublishPolicy.IfExists.SKIP, true, java.util.List.of(), java.util.Optional.empty(), Map.of())));

            String base = world.url() + "/" + world.bucket + "/boot";
            assertThat(result.artifactId()).isEqualTo(base + "/hello-equinixmetal.ipxe");
            assertThat(world.keys()).containsExactlyInAnyOrder("boot/hello-kernel", "boot/hello-initrd.img",
                    "boot/hello-equinixmetal.ipxe", "boot/hello-packet.ipxe");
            assertThat(world.text("boot/hello-equinixmetal.ipxe")).contains("set base-url " + base + "\n");
            assertThat(world.mutations()).containsExactly("PUT /" + world.bucket + "/boot/hello-kernel",
                    "PUT /" + world.bucket + "/boot/hello-initrd.img",
                    "PUT /" + world.bucket + "/boot/hello-equinixmetal.ipxe",
                    "PUT /" + world.bucket + "/boot/hello-packet.ipxe");
            assertThat(world.aclHeaders()).containsOnly("public-read").hasSize(4);
            assertThat(get(base + "/hello-kernel")).isEqualTo("kernel of hello");
        }
    }

    @Test
    void presignedUrlsFetchTheFilesAndTheScriptNamesThemWhole() throws Exception {
        try (S3World world = new S3World().privateBucket()) {
            ProviderHarness harness = s3(world).flag("presign", "2h");

            PushResult result = push(harness, PacketProviderTckTest.kernelInitrd(tmp, "hello", DIGEST));

            assertThat(result.artifactId()).contains("X-Amz-Signature=").contains("X-Amz-Expires=7200");
            String script = get(result.artifactId());
            assertThat(script).doesNotContain("base-url").contains("initrd --name initrd " + world.url() + "/"
                    + world.bucket + "/boot/hello-initrd.img?");
            String kernelUrl = script.lines().filter(l -> l.startsWith("kernel ")).findFirst().orElseThrow().split(" ")[1];
            assertThat(get(kernelUrl)).isEqualTo("kernel of hello");
            assertThat(world.aclHeaders()).isEmpty();
        }
    }

    @Test
    void presignRefusesMoreThanSevenDays() {
        try (S3World world = new S3World()) {
            assertThatThrownBy(() -> push(s3(world).flag("presign", "8d"),
                    PacketProviderTckTest.kernelInitrd(tmp, "hello", DIGEST)))
                    .isInstanceOf(KilnException.class).hasMessageContaining("7d");
            assertThat(world.mutations()).isEmpty();
        }
    }

    private static final String NEXT = "sha256:" + "5a".repeat(32);

    /** Another build (other kernel, initrd and digest) under the same name, published with {@code --if-exists replace}. */
    private PushRequest replacement(String digest) throws Exception {
        PushRequest other = PacketProviderTckTest.kernelInitrd(tmp, "hello2", digest);
        return new PushRequest(other.artifact(), "hello", other.arch(), other.bootModes(), digest,
                PublishPolicy.DEFAULT.withIfExists(PublishPolicy.IfExists.REPLACE), false);
    }

    @Test
    void aBucketWithoutPublicReadFailsTheCheckNamingEachUrlAndAPublicReplacePasses() throws Exception {
        try (S3World world = new S3World().privateBucket()) {
            String base = world.url() + "/" + world.bucket + "/boot";

            assertThatThrownBy(() -> push(s3(world), PacketProviderTckTest.kernelInitrd(tmp, "hello", DIGEST)))
                    .isInstanceOf(KilnException.class)
                    .hasMessageContaining("kernel " + base + "/hello-kernel answered 403 to HEAD")
                    .hasMessageContaining("initrd " + base + "/hello-initrd.img answered 403")
                    .hasMessageContaining("script " + base + "/hello-equinixmetal.ipxe answered 403")
                    .hasMessageContaining("--public").hasMessageContaining("--presign");
            assertThat(world.keys()).as("the files stay published").hasSize(4);

            PushResult again = push(s3(world), PacketProviderTckTest.kernelInitrd(tmp, "hello", DIGEST)
                    .withPolicy(new PublishPolicy(PublishPolicy.IfExists.REPLACE, true, java.util.List.of(),
                            java.util.Optional.empty(), Map.of())));

            assertThat(again.outcome()).isEqualTo(PushResult.Outcome.REPLACED);
            assertThat(get(again.artifactId())).contains("set base-url " + base);
        }
    }

    @Test
    void skipUrlCheckPublishesToABucketOnlyTheFleetCanRead() throws Exception {
        try (S3World world = new S3World().privateBucket()) {
            PushResult result = push(s3(world).flag("skip-url-check", "true"),
                    PacketProviderTckTest.kernelInitrd(tmp, "hello", DIGEST));

            assertThat(result.outcome()).isEqualTo(PushResult.Outcome.CREATED);
        }
    }

    @Test
    void aBucketReplaceUploadsNewKeysThenTheScriptAndRemovesTheOldFilesLast() throws Exception {
        try (S3World world = new S3World()) {
            push(s3(world), PacketProviderTckTest.kernelInitrd(tmp, "hello", DIGEST));
            int before = world.mutations().size();
            String b = "/" + world.bucket + "/boot/";

            PushResult replaced = push(s3(world), replacement(NEXT));

            assertThat(replaced.outcome()).isEqualTo(PushResult.Outcome.REPLACED);
            assertThat(world.mutations().subList(before, world.mutations().size())).containsExactly(
                    "PUT " + b + "hello-kernel-5a5a5a5a5a5a", "PUT " + b + "hello-initrd-5a5a5a5a5a5a.img",
                    "PUT " + b + "hello-equinixmetal.ipxe", "PUT " + b + "hello-packet.ipxe",
                    "DELETE " + b + "hello-kernel", "DELETE " + b + "hello-initrd.img");
            assertThat(world.keys()).containsExactlyInAnyOrder("boot/hello-kernel-5a5a5a5a5a5a",
                    "boot/hello-initrd-5a5a5a5a5a5a.img", "boot/hello-equinixmetal.ipxe", "boot/hello-packet.ipxe");
            String script = get(replaced.artifactId());
            String kernelUrl = IpxeScript.fetches(script).kernel().orElseThrow();
            assertThat(get(kernelUrl)).isEqualTo("kernel of hello2");
            assertThat(replaced.resources()).extracting(Resource::type, Resource::id).contains(
                    org.assertj.core.groups.Tuple.tuple("kernel", kernelUrl));

            PushResult existed = push(s3(world), replacement(NEXT).withPolicy(PublishPolicy.DEFAULT));
            PushResult third = push(s3(world), replacement("sha256:" + "6b".repeat(32)));

            assertThat(existed.outcome()).isEqualTo(PushResult.Outcome.EXISTED);
            assertThat(existed.resources()).extracting(Resource::type, Resource::id).contains(
                    org.assertj.core.groups.Tuple.tuple("kernel", kernelUrl));
            assertThat(third.outcome()).isEqualTo(PushResult.Outcome.REPLACED);
            assertThat(world.keys()).containsExactlyInAnyOrder("boot/hello-kernel-6b6b6b6b6b6b",
                    "boot/hello-initrd-6b6b6b6b6b6b.img", "boot/hello-equinixmetal.ipxe", "boot/hello-packet.ipxe");
        }
    }

    @Test
    void aBucketReplaceThatFailsAtTheScriptKeepsTheOldScriptAndItsFilesAndRemovesTheNewOnes() throws Exception {
        try (S3World world = new S3World()) {
            push(s3(world), PacketProviderTckTest.kernelInitrd(tmp, "hello", DIGEST));
            world.failMutation(3);

            assertThatThrownBy(() -> push(s3(world), replacement(NEXT))).isInstanceOf(KilnException.class)
                    .hasMessageContaining("AccessDenied").hasMessageContaining("removed hello-initrd-5a5a5a5a5a5a.img");

            assertThat(world.keys()).containsExactlyInAnyOrder("boot/hello-kernel", "boot/hello-initrd.img",
                    "boot/hello-equinixmetal.ipxe", "boot/hello-packet.ipxe");
            assertThat(IpxeScript.recordedDigest(world.text("boot/hello-equinixmetal.ipxe"))).contains(DIGEST);
            assertThat(world.text("boot/hello-kernel")).isEqualTo("kernel of hello");
        }
    }

    @Test
    void aDirectoryReplaceWritesEveryFileBeforeRenamingAnySoAFailureLeavesTheOldSetWhole() throws Exception {
        Path www = tmp.resolve("www");
        push(dir(www), PacketProviderTckTest.kernelInitrd(tmp, "hello", DIGEST));
        // the initrd cannot be staged: its temporary name is taken by a folder that is not empty
        Files.createDirectories(www.resolve(".hello-initrd.img.kiln-partial").resolve("in-the-way"));

        assertThatThrownBy(() -> push(dir(www), replacement(NEXT))).isInstanceOf(KilnException.class)
                .hasMessageContaining("hello-initrd.img");

        assertThat(Files.readString(www.resolve("hello-kernel"))).isEqualTo("kernel of hello");
        assertThat(Files.readString(www.resolve("hello-initrd.img"))).isEqualTo("initrd of hello");
        assertThat(IpxeScript.recordedDigest(Files.readString(www.resolve("hello-equinixmetal.ipxe")))).contains(DIGEST);
        assertThat(www.resolve(".hello-kernel.kiln-partial")).as("the staged kernel was removed").doesNotExist();

        Files.delete(www.resolve(".hello-initrd.img.kiln-partial").resolve("in-the-way"));
        PushResult replaced = push(dir(www), replacement(NEXT));
        assertThat(replaced.outcome()).isEqualTo(PushResult.Outcome.REPLACED);
        assertThat(Files.readString(www.resolve("hello-kernel"))).isEqualTo("kernel of hello2");
        assertThat(Files.readString(www.resolve("hello-initrd.img"))).isEqualTo("initrd of hello2");
        try (var files = Files.list(www)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("hello-kernel",
                    "hello-initrd.img", "hello-equinixmetal.ipxe", "hello-packet.ipxe");
        }
    }

    private ProviderHarness s3(S3World world) {
        return new ProviderHarness(new PacketProviderFactory(), tmp).env("AWS_ACCESS_KEY_ID", S3World.KEY_ID)
                .env("AWS_SECRET_ACCESS_KEY", S3World.SECRET).env("KILN_PACKET_DESTINATION", "s3://" + world.bucket + "/boot/")
                .env("AWS_ENDPOINT_URL", world.url());
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET " + url).isEqualTo(200);
        return r.body();
    }

    private static byte[] cpio(String name, String content) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        try (CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(bytes, CpioConstants.FORMAT_NEW)) {
            CpioArchiveEntry e = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, name, data.length);
            e.setMode(CpioConstants.C_ISREG | 0644);
            cpio.putArchiveEntry(e);
            cpio.write(data);
            cpio.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }
}
