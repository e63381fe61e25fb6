package dev.kiln.vcenter;

import dev.kiln.api.Architecture;
import dev.kiln.api.Artifact;
import dev.kiln.api.BootMode;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.PublishPolicy;
import dev.kiln.api.Userdata;
import dev.kiln.spi.Made;
import dev.kiln.spi.Provider;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.spi.Resource;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.RunResult;
import dev.kiln.testkit.ProviderHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kiln ls/rm vcenter against vcsim: the VMs run made (kiln-name tag) with their cidata ISO, vcsim's own VMs
 * found only by id and not as kiln's, library items found by their digest tag or, without tagging, by the
 * digest line in the description, files a datastore push made with their digest file; items and files kiln
 * did not push are not listed.
 */
class VcenterInventoryTest {

    private static final String DIGEST = "sha256:" + "a".repeat(64);

    @TempDir
    Path tmp;

    private VcenterWorld world;
    private VimSoap soap;

    @BeforeEach
    void start() throws Exception {
        world = new VcenterWorld();
        soap = world.soap();
    }

    @AfterEach
    void stop() throws Exception {
        world.close();
    }

    private Provider inventory(ProviderHarness harness) {
        return new VcenterProviderFactory().create(harness.inventoryContext());
    }

    @Test
    void lsListsTheVmRunMadeWithItsCidataIsoAndRmRemovesBoth() throws Exception {
        world.putDatastoreFile("kiln/boot.iso", VcenterRunDevicesTest.isoBooting(0x00));
        ProviderHarness harness = world.harness(tmp);
        RunResult ran;
        try (Provider p = new VcenterProviderFactory().create(harness.runContext())) {
            ran = p.run(RunRequest.of("[LocalDS_0] kiln/boot.iso", "inv", false)
                    .withUserdata(Userdata.ofText("#cloud-config\nhostname: inv\n", "--userdata")));
        }
        String vm = soap.find("VirtualMachine", "inv").orElseThrow();
        String vcsimVm = soap.find("VirtualMachine", "DC0_H0_VM0").orElseThrow();
        Resource iso = Resource.of("datastore file", "[LocalDS_0] kiln/inv-cidata.iso", "DC0");

        try (Provider p = inventory(harness)) {
            List<Made> listed = p.list(Made.Kind.INSTANCE);
            assertThat(listed).as("only the VM kiln made, not vcsim's own").singleElement().satisfies(m -> {
                assertThat(m.id()).isEqualTo(vm).isEqualTo(ran.instanceId());
                assertThat(m.name()).isEqualTo("inv");
                assertThat(m.state()).isEqualTo("poweredOn");
                assertThat(m.byKiln()).isTrue();
                assertThat(m.parts()).containsExactly(iso);
            });
            assertThat(p.find("inv")).extracting(Made::id).containsExactly(vm);
            assertThat(p.find(vm)).extracting(Made::id).containsExactly(vm);
            assertThat(p.find(vcsimVm)).as("a VM found by id that kiln did not make").singleElement()
                    .satisfies(m -> assertThat(m.byKiln()).isFalse());

            List<Resource> removed = p.remove(listed.get(0));

            assertThat(removed).containsExactly(listed.get(0).resource(), iso);
            assertThat(soap.find("VirtualMachine", "inv")).isEmpty();
            assertThat(world.datastoreFile("kiln/inv-cidata.iso")).as("the cidata ISO").isNull();
            assertThat(world.datastoreFile("kiln/boot.iso")).as("the image").isNotNull();
            assertThat(p.find(vm)).isEmpty();
            assertThat(p.list(Made.Kind.INSTANCE)).isEmpty();
            assertThat(p.remove(listed.get(0))).as("a second rm of what is gone").containsExactly(
                    listed.get(0).resource(), iso);
        }
    }

    @Test
    void lsListsTheFilesADatastorePushMadeAndRmRemovesThemWithTheirDigestFile() throws Exception {
        java.nio.file.Path iso = tmp.resolve("seed.iso");
        java.nio.file.Files.write(iso, "an iso9660 image, as far as a datastore cares".getBytes());
        world.putDatastoreFile("kiln/theirs.iso", "not kiln's".getBytes());
        ProviderHarness harness = world.harness(tmp);
        try (Provider p = new VcenterProviderFactory().create(harness.flag("target", "datastore").pushContext())) {
            p.push(PushRequest.of(iso, ImageFormat.ISO_EFI, "seed", DIGEST));
        }
        world.createDatacenter("DC1");
        String id = "[LocalDS_0] kiln/seed.iso";
        Resource digestFile = Resource.of("datastore file", id + ".kiln-digest", "DC0");

        try (Provider p = inventory(harness)) {
            List<Made> images = p.list(Made.Kind.IMAGE);
            assertThat(images).as("the pushed file (searched for in DC0 and DC1, no --datacenter given), not the"
                    + " one kiln did not push").singleElement().satisfies(m -> {
                assertThat(m.id()).isEqualTo(id);
                assertThat(m.name()).isEqualTo("seed");
                assertThat(m.location()).as("its datacenter (the id names the datastore)").isEqualTo("DC0");
                assertThat(m.digest()).isEqualTo(DIGEST);
                assertThat(m.parts()).containsExactly(digestFile);
            });
            assertThat(p.find("seed")).extracting(Made::id).containsExactly(id);
            assertThat(p.find("[LocalDS_0] kiln/theirs.iso")).singleElement()
                    .satisfies(m -> assertThat(m.byKiln()).isFalse());

            assertThat(p.remove(images.get(0))).containsExactly(images.get(0).resource(), digestFile);

            assertThat(world.datastoreFile("kiln/seed.iso")).isNull();
            assertThat(world.datastoreFile("kiln/seed.iso.kiln-digest")).isNull();
            assertThat(world.datastoreFile("kiln/theirs.iso")).isNotNull();
            assertThat(p.find(id)).isEmpty();
        }
    }

    @Test
    void lsListsOnlyTheItemsKilnPushedAndWithoutTaggingFindsThemByTheirDescription() throws Exception {
        String library = world.createLibrary("kiln");
        String foreign = world.rest("POST", "/rest/com/vmware/content/library/item", "{\"create_spec\":{"
                + "\"library_id\":\"" + library + "\",\"name\":\"theirs\",\"type\":\"ovf\"}}").asText();
        world.proxy.notFound(c -> c.contains("/cis/tagging"));
        ProviderHarness harness = world.harness(tmp);
        PushResult pushed;
        try (Provider p = new VcenterProviderFactory().create(harness.pushContext())) {
            pushed = p.push(new PushRequest(Artifact.single(ImageFormat.OVA, VcenterProviderTckTest.ova(tmp, "inv")),
                    "mine", Architecture.AMD64, Set.of(BootMode.UEFI), DIGEST, PublishPolicy.DEFAULT, false));
        }
        String item = pushed.images().get(0).imageId();

        try (Provider p = inventory(harness)) {
            assertThat(p.list(Made.Kind.IMAGE)).singleElement().satisfies(m -> {
                assertThat(m.id()).isEqualTo(item);
                assertThat(m.name()).isEqualTo("mine");
                assertThat(m.location()).isEqualTo("kiln");
                assertThat(m.digest()).isEqualTo(DIGEST);
                assertThat(m.created()).isPresent();
            });
            assertThat(p.find(foreign)).as("an item kiln did not push, found by id").singleElement()
                    .satisfies(m -> assertThat(m.byKiln()).isFalse());
            assertThat(p.find("theirs")).as("by name only what kiln made").isEmpty();
            assertThat(p.list(Made.Kind.INSTANCE)).as("no tagging: kiln cannot tell its VMs").isEmpty();
        }
        assertThat(harness.events().text()).contains("kiln cannot tell the VMs it made");
    }
}
