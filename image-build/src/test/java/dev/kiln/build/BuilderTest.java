package dev.kiln.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.core.Digests;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.rootfs.RootfsWriter;
import dev.kiln.testing.Fixtures;
import dev.kiln.testing.LayerTar;
import dev.kiln.testing.TarListing;
import dev.kiln.testing.TestImageStore;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BuilderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private BuildResult build(String yaml, List<Format> formats, Optional<String> output, ByteArrayOutputStream stdout) {
        Path config = Fixtures.writeConfig(dir, "hello.yml", yaml);
        return new Builder(Events.none(), Fixtures.store(), InputStream.nullInputStream())
                .build(Fixtures.request(config, dir.resolve("out"), formats, output), stdout);
    }

    @Test
    void rootfsTarHasLinuxKitsLayout() throws Exception {
        BuildResult result = build(Fixtures.YAML, List.of(Format.TAR), Optional.empty(), new ByteArrayOutputStream());
        Path tar = dir.resolve("out/hello.tar");
        Map<String, TarListing.Item> t = TarListing.read(tar);

        assertThat(result.contentDigest()).isEqualTo("sha256:" + Digests.sha256Hex(tar));
        assertThat(t.get("boot/cmdline").content()).isEqualTo("console=ttyS0 quiet");
        assertThat(t.get("boot/kernel").content()).isEqualTo(Fixtures.KERNEL_BYTES);
        assertThat(t.get("lib/modules/fake.ko").content()).as("kernel.tar unpacked at /").isEqualTo("module");
        assertThat(t).doesNotContainKey("kernel.tar");
        assertThat(t.get("bin/init").entry().getMode() & 07777).isEqualTo(0755);
        assertThat(t.get("etc/resolv.conf").entry().getLinkName()).as("init resolv.conf is a symlink")
                .isEqualTo("/run/resolvconf/resolv.conf");
        assertThat(t.get("etc/mtab").entry().getLinkName()).isEqualTo("/proc/mounts");
        assertThat(t.get("etc/hosts").content()).startsWith("127.0.0.1       localhost\n");

        String netconf = "containers/onboot/000-netconf";
        assertThat(t).containsKeys(netconf + "/config.json", netconf + "/lower/bin/netconf", netconf + "/rootfs",
                netconf + "/tmp", netconf + "/runtime.json", netconf + "/lower/dev/pts", netconf + "/lower/proc");
        assertThat(t).doesNotContainKey(netconf + "/lower/.dockerenv");
        assertThat(t.get(netconf + "/lower/etc/resolv.conf").content()).isEqualTo("\n# no resolv.conf configured\n");
        JsonNode netRuntime = JSON.readTree(t.get(netconf + "/runtime.json").content());
        assertThat(netRuntime.path("mounts").get(2)).isEqualTo(JSON.readTree("""
                {"destination": "/containers/onboot/000-netconf/rootfs", "type": "overlay", "source": "overlay",
                 "options": ["lowerdir=/containers/onboot/000-netconf/lower",
                             "upperdir=/containers/onboot/000-netconf/tmp/upper",
                             "workdir=/containers/onboot/000-netconf/tmp/work"]}"""));
        assertThat(JSON.readTree(t.get(netconf + "/config.json").content()).path("process").path("args"))
                .isEqualTo(JSON.readTree("[\"/bin/netconf\"]"));

        String web = "containers/services/web";
        assertThat(t.get(web + "/rootfs/www/index.html").content()).as("readonly from the label: extracted in rootfs/")
                .isEqualTo("<h1>hi</h1>");
        JsonNode webConfig = JSON.readTree(t.get(web + "/config.json").content());
        assertThat(webConfig.path("process").path("user").path("uid").asInt()).isEqualTo(100);
        assertThat(webConfig.path("root").path("readonly").asBoolean()).isTrue();
        assertThat(webConfig.path("mounts").toString()).contains("/etc").contains("/var/www");

        String web2 = "containers/services/web2";
        assertThat(t.keySet()).as("the same image is extracted once").noneMatch(n -> n.startsWith(web2 + "/rootfs/"));
        assertThat(JSON.readTree(t.get(web2 + "/runtime.json").content()).path("mounts").get(0)).isEqualTo(
                JSON.readTree("{\"destination\": \"/" + web2 + "/rootfs\", \"source\": \"/" + web + "/rootfs\","
                        + " \"options\": [\"bind\"]}"));

        assertThat(t.get("etc/motd").content()).isEqualTo("welcome\n");
        assertThat(t.get("etc/motd").entry().getMode() & 07777).isEqualTo(0644);
        TarArchiveEntry webConfigFile = t.get("var/lib/web/config").entry();
        assertThat(webConfigFile.getLongUserId()).as("uid by service name: web is the second container").isEqualTo(101);
        assertThat(webConfigFile.getMode() & 07777).isEqualTo(0600);
        assertThat(t.get("var/lib/web").entry().getMode() & 07777).as("derived directory mode").isEqualTo(0700);
    }

    @Test
    void everyEntryCarriesFixedTimeAndLinuxKitPaxRecords() throws Exception {
        build(Fixtures.YAML, List.of(Format.TAR), Optional.empty(), new ByteArrayOutputStream());
        Map<String, TarListing.Item> t = TarListing.read(dir.resolve("out/hello.tar"));
        assertThat(t.values()).allSatisfy(i -> {
            assertThat(i.entry().getLastModifiedTime()).isEqualTo(RootfsWriter.MTIME);
            assertThat(i.entry().getUserName()).isEmpty();
            assertThat(i.entry().getExtraPaxHeaders()).containsKeys(RootfsWriter.PAX_SOURCE, RootfsWriter.PAX_LOCATION);
        });
        assertThat(t.get("boot/kernel").entry().getExtraPaxHeaders())
                .containsEntry(RootfsWriter.PAX_SOURCE, "kernel:1").containsEntry(RootfsWriter.PAX_LOCATION, "kernel");
        assertThat(t.get("containers/services/web2/config.json").entry().getExtraPaxHeaders())
                .containsEntry(RootfsWriter.PAX_LOCATION, "services[1]");
        assertThat(t.get("etc/motd").entry().getExtraPaxHeaders())
                .containsEntry(RootfsWriter.PAX_SOURCE, "linuxkit.files").containsEntry(RootfsWriter.PAX_LOCATION, "files[0]");
    }

    @Test
    void kernelInitrdWritesThreeFilesAndTheResultListsSizesAndDigests() throws Exception {
        String yaml = Fixtures.YAML.replace("  cmdline: \"console=ttyS0 quiet\"\n",
                "  cmdline: \"console=ttyS0 quiet\"\n  ucode: intel-ucode.cpio\n");
        BuildResult result = build(yaml, List.of(Format.KERNEL_INITRD, Format.TAR_KERNEL_INITRD), Optional.empty(),
                new ByteArrayOutputStream());
        Path out = dir.resolve("out");
        assertThat(result.artifacts()).extracting(a -> a.path().getFileName().toString())
                .containsExactly("hello-kernel", "hello-initrd.img", "hello-cmdline", "hello-initrd.tar");
        for (Artifact a : result.artifacts()) {
            assertThat(a.size()).isEqualTo(Files.size(a.path()));
            assertThat(a.sha256()).isEqualTo(Digests.sha256Hex(a.path()));
        }
        assertThat(Files.readString(out.resolve("hello-kernel"))).isEqualTo(Fixtures.KERNEL_BYTES);
        assertThat(Files.readString(out.resolve("hello-cmdline"))).isEqualTo("console=ttyS0 quiet");
        byte[] initrd = Files.readAllBytes(out.resolve("hello-initrd.img"));
        assertThat(new String(initrd, 0, 5, StandardCharsets.US_ASCII)).as("ucode prepended, uncompressed").isEqualTo("ucode");
        assertThat(initrd[5] & 0xff).isEqualTo(0x1f);
        assertThat(TarListing.read(out.resolve("hello-initrd.tar")).keySet())
                .containsExactly("kernel", "initrd.img", "cmdline", "ucode.cpio");
    }

    @Test
    void parentDirectoriesMissingFromKernelTarAreAddedBeforeTheirFiles() throws Exception {
        byte[] bareModules = new LayerTar().file("lib/modules/6.1/kernel/fs/isofs.ko", "iso").bytes();
        TestImageStore store = new TestImageStore()
                .add("kernel:2", new LayerTar().file("kernel", Fixtures.KERNEL_BYTES).fileBytes("kernel.tar", bareModules).bytes())
                .add("init:1", new LayerTar().file("init", "#!/bin/sh\n", 0755).bytes());
        Path config = Fixtures.writeConfig(dir, "bare.yml", "kernel:\n  image: kernel:2\ninit:\n  - init:1\n");
        new Builder(Events.none(), store, InputStream.nullInputStream())
                .build(Fixtures.request(config, dir.resolve("out"), List.of(Format.TAR), Optional.empty()),
                        new ByteArrayOutputStream());

        List<String> names = new java.util.ArrayList<>(TarListing.read(dir.resolve("out/bare.tar")).keySet());
        assertThat(names).containsSubsequence("lib", "lib/modules", "lib/modules/6.1", "lib/modules/6.1/kernel",
                "lib/modules/6.1/kernel/fs", "lib/modules/6.1/kernel/fs/isofs.ko");
        assertThat(TarListing.read(dir.resolve("out/bare.tar")).get("lib/modules/6.1").entry().isDirectory()).isTrue();
    }

    @Test
    void tarStreamsToStdout() throws Exception {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        BuildResult result = build(Fixtures.YAML, List.of(Format.TAR), Optional.of("-"), stdout);
        assertThat(result.contentDigest()).isEqualTo("sha256:" + Digests.sha256Hex(stdout.toByteArray()));
        assertThat(Files.exists(dir.resolve("out/hello.tar"))).isFalse();
    }

    @Test
    void dryRunPrintsTheMergedConfigAndResolvesNothing() {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        TestImageStore store = Fixtures.store();
        Path config = Fixtures.writeConfig(dir, "hello.yml", Fixtures.YAML);
        BuildRequest dry = new BuildRequest(List.of(config), "", dir, Optional.empty(), List.of(Format.KERNEL_INITRD),
                "amd64", java.util.OptionalLong.empty(), dir, List.of(), List.of(), false, false, Optional.empty(), true);
        new Builder(Events.none(), store, InputStream.nullInputStream()).build(dry, stdout);
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("image: kernel:1").contains("name: web2")
                .contains("binds.add:");
        assertThat(store.resolved()).isEmpty();
    }

    @Test
    void apkDatabasesOfInitImagesAreUnited() throws Exception {
        TestImageStore store = new TestImageStore()
                .add("a:1", new LayerTar().file("lib/apk/db/installed", "P:musl\n").bytes())
                .add("b:1", new LayerTar().file("lib/apk/db/installed", "P:busybox\n").bytes());
        Path config = Fixtures.writeConfig(dir, "apk.yml", "init: [a:1, b:1]\n");
        new Builder(Events.none(), store, InputStream.nullInputStream()).build(
                Fixtures.request(config, dir.resolve("out"), List.of(Format.TAR), Optional.empty()),
                new ByteArrayOutputStream());
        assertThat(TarListing.read(dir.resolve("out/apk.tar")).get("lib/apk/db/installed").content())
                .isEqualTo("P:musl\n\n\nP:busybox\n\n\n");
    }

    @Test
    void formatsOtherThanTarNeedAKernel() {
        assertThatThrownBy(() -> build("init: [init:1]\n", List.of(Format.KERNEL_INITRD), Optional.empty(),
                new ByteArrayOutputStream())).isInstanceOf(KilnException.class).hasMessageContaining("no kernel");
    }

    @Test
    void missingImageNamesWhereItIsUsed() {
        assertThatThrownBy(() -> build("services: [{name: x, image: nope:1}]\n", List.of(Format.TAR), Optional.empty(),
                new ByteArrayOutputStream())).hasMessageContaining("nope:1").hasMessageContaining("services[0] (x)");
    }
}
