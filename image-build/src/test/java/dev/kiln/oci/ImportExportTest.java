package dev.kiln.oci;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Import of skopeo-written docker-save and OCI archives, export, rm and gc. */
class ImportExportTest {

    @TempDir
    Path work;
    OciLayout seed;
    Packer.Packed svc;
    OciLayout cache;

    @BeforeEach
    void seed() throws Exception {
        seed = OciLayout.open(work.resolve("seed"));
        svc = Fixtures.service(seed, work, "kiln.test/svc:1");
        cache = OciLayout.open(work.resolve("cache"));
    }

    private void skopeo(String dest) throws Exception {
        LocalRegistry.run(work, List.of("skopeo", "copy", "--quiet", "oci:" + seed.root() + ":" + svc.reference(), dest));
    }

    private LocalImage read(String ref) throws Exception {
        return new CacheReader(cache).find(ImageReference.parse(ref), Platform.AMD64).orElseThrow();
    }

    @Test
    void importsADockerSaveTarballByItsRepoTags() throws Exception {
        skopeo("docker-archive:" + work.resolve("saved.tar") + ":kiln/svc:7");

        List<String> names = new Importer(cache, Events.none()).importFrom(work.resolve("saved.tar"), Optional.empty());

        assertThat(names).containsExactly("docker.io/kiln/svc:7");
        LocalImage image = read("kiln/svc:7");
        assertThat(image.config().path("config").path("Labels").path("org.mobyproject.config").asText())
                .isEqualTo(Fixtures.SERVICE_LABEL);
        assertThat(RegistryPullIT.files(image.layers().get(0))).containsKey("usr/bin/svc");
    }

    @Test
    void importsAnOciArchiveByItsRefNameAndKeepsTheManifestDigest() throws Exception {
        skopeo("oci-archive:" + work.resolve("img.tar") + ":example.org/kiln/svc:2");

        List<String> names = new Importer(cache, Events.none()).importFrom(work.resolve("img.tar"), Optional.empty());

        assertThat(names).containsExactly("example.org/kiln/svc:2");
        assertThat(read("example.org/kiln/svc:2").manifestDigest()).isEqualTo(svc.manifest().digest());
    }

    @Test
    void importsALayoutDirectoryUnderTheGivenRef() throws Exception {
        Path dir = work.resolve("layout");
        skopeo("oci:" + dir + ":latest");

        assertThat(new Importer(cache, Events.none()).importFrom(dir, Optional.of("kiln/mine:1"))).containsExactly("docker.io/kiln/mine:1");
        assertThatThrownBy(() -> new Importer(cache, Events.none()).importFrom(dir, Optional.empty()))
                .isInstanceOf(KilnException.class).hasMessageContaining("--ref");
    }

    @Test
    void aTamperedBlobInAnArchiveIsRefusedByNameAndNothingIsNamed() throws Exception {
        Path dir = work.resolve("layout");
        skopeo("oci:" + dir + ":example.org/kiln/svc:3");
        RegistryPullIT.flipLastByte(dir.resolve("blobs/sha256/" + svc.layer().digest().substring(7)));
        LocalRegistry.run(dir, List.of("tar", "-cf", work.resolve("bad.tar").toString(), "oci-layout", "index.json", "blobs"));

        assertThatThrownBy(() -> new Importer(cache, Events.none()).importFrom(work.resolve("bad.tar"), Optional.empty()))
                .isInstanceOf(KilnException.class).hasMessageContaining(svc.layer().digest());
        assertThat(cache.entries()).isEmpty();
        assertThat(cache.hasBlob(svc.layer().digest(), -1)).isFalse();
    }

    @Test
    void anExportedArchiveIsReadBySkopeoAndImportsBackUnchanged() throws Exception {
        Path archive = work.resolve("export.tar");
        try (OutputStream out = Files.newOutputStream(archive)) {
            new Exporter(seed, Events.none()).export(List.of("kiln.test/svc:1"), out);
        }

        String raw = LocalRegistry.run(work, List.of("skopeo", "inspect", "--raw", "oci-archive:" + archive + ":" + svc.reference()));
        assertThat(raw).contains(svc.layer().digest());
        new Importer(cache, Events.none()).importFrom(archive, Optional.empty());
        assertThat(read("kiln.test/svc:1").manifestDigest()).isEqualTo(svc.manifest().digest());
    }

    @Test
    void rmThenGcFreesOnlyTheBlobsNoImageNeeds() throws Exception {
        Packer.Packed init = Fixtures.init(seed, work, "kiln.test/init:1");
        CacheMaintenance maintenance = new CacheMaintenance(seed);

        assertThat(maintenance.remove(List.of("kiln.test/svc:1"))).containsExactly(svc.reference());
        CacheMaintenance.Collected collected = maintenance.gc();

        assertThat(collected.blobs()).isEqualTo(3);
        assertThat(seed.hasBlob(svc.layer().digest(), -1)).isFalse();
        assertThat(seed.hasBlob(init.layer().digest(), -1)).isTrue();
        assertThat(maintenance.list()).extracting(CacheMaintenance.Entry::reference).containsExactly(init.reference());
        assertThat(maintenance.list().get(0).platforms()).containsExactly("linux/amd64");
    }
}
