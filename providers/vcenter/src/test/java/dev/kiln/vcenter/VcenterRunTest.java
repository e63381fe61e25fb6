package dev.kiln.vcenter;

import dev.kiln.api.Architecture;
import dev.kiln.api.Artifact;
import dev.kiln.api.BootMode;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.KilnException;
import dev.kiln.api.Lifecycle;
import dev.kiln.api.Poll;
import dev.kiln.api.PublishPolicy;
import dev.kiln.api.Userdata;
import dev.kiln.spi.Provider;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.RunResult;
import dev.kiln.testkit.ProviderHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** run vcenter against vcsim: deploy from the library, ReconfigVM (firmware, guestinfo), power on, --rm. */
class VcenterRunTest {

    @TempDir
    Path tmp;

    private VcenterWorld world;
    private VimSoap soap;

    @BeforeEach
    void start() throws Exception {
        world = new VcenterWorld();
        world.pushTemplate(tmp, "sha256:" + "f".repeat(64));
        soap = world.soap();
    }

    @AfterEach
    void stop() throws Exception {
        world.close();
    }

    private static RunResult run(ProviderHarness harness, RunRequest request) throws Exception {
        return VcenterWorld.run(harness, request);
    }

    private static Poll poll() {
        return VcenterWorld.poll();
    }

    @Test
    void aTemplateIsDeployedWithEfiAndGuestinfoUserdataAndPoweredOn() throws Exception {
        RunRequest request = RunRequest.of("tmpl", "vm1", false)
                .withUserdata(Userdata.ofText("#cloud-config\nhostname: vm1\n", "--userdata"))
                .withLifecycle(new Lifecycle(Optional.of(Lifecycle.Wait.RUNNING), false, false, Optional.empty()));

        RunResult result = run(world.harness(tmp).flag("guestinfo", "true"), request);

        String vm = result.instanceId();
        assertThat(soap.find("VirtualMachine", "vm1")).contains(vm);
        assertThat(soap.text("VirtualMachine", vm, "runtime.powerState")).isEqualTo("poweredOn");
        assertThat(soap.text("VirtualMachine", vm, "config.firmware")).isEqualTo("efi");
        String extra = soap.property("VirtualMachine", vm, "config.extraConfig");
        String encoded = extra.replaceAll("(?s).*<key>guestinfo.userdata</key><value[^>]*>([^<]*)</value>.*", "$1");
        assertThat(new String(Base64.getDecoder().decode(encoded))).isEqualTo("#cloud-config\nhostname: vm1\n");
        assertThat(extra).contains("<key>guestinfo.userdata.encoding</key>").contains("guestinfo.metadata");
    }

    @Test
    void aBiosOnlyTemplateKeepsBiosWithoutFirmwareFlagAsItsStoredOvfDeclares() throws Exception {
        PushRequest push = new PushRequest(Artifact.single(ImageFormat.OVA, VcenterProviderTckTest.ova(tmp, "bios")),
                "bios-tmpl", Architecture.AMD64, Set.of(BootMode.BIOS), "sha256:" + "b".repeat(64),
                PublishPolicy.DEFAULT, false);
        try (Provider p = new VcenterProviderFactory().create(world.harness(tmp).pushContext())) {
            p.push(push);
        }
        ProviderHarness harness = world.harness(tmp);
        java.util.List<String> calls = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        world.proxy.listen(calls::add);

        RunResult result = run(harness, RunRequest.of("bios-tmpl", "vm-bios", false));

        assertThat(soap.text("VirtualMachine", result.instanceId(), "config.firmware")).isEqualTo("bios");
        assertThat(harness.events().text()).contains("firmware bios: what library item")
                .contains(".ovf declares");
        assertThat(java.util.List.copyOf(calls)).as("the .ovf was read through a download session")
                .anyMatch(c -> c.contains("downloadsession/file/") && c.contains("action=prepare"))
                .anyMatch(c -> c.startsWith("GET /rest/com/vmware/cis/data/") && c.endsWith("/bios.ovf"));
        assertThat(world.rest("GET", "/rest/com/vmware/content/library/item/download-session", null))
                .as("download sessions left").isEmpty();
    }

    @Test
    void userdataGoesOnACidataIsoNextToTheVmAttachedAsACdrom() throws Exception {
        RunRequest request = RunRequest.of("tmpl", "vm4", false)
                .withUserdata(Userdata.ofText("#cloud-config\nhostname: vm4\n", "--userdata"));

        RunResult result = run(world.harness(tmp), request);

        byte[] iso = world.datastoreFile("kiln/vm4-cidata.iso");
        assertThat(iso).isNotNull();
        assertThat(new String(iso, 32768 + 40, 32, java.nio.charset.StandardCharsets.US_ASCII).trim())
                .as("ISO9660 volume id, what NoCloud looks for").isEqualToIgnoringCase("cidata");
        assertThat(new String(iso, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("hostname: vm4")
                .contains("instance-id: vm4");
        String devices = soap.property("VirtualMachine", result.instanceId(), "config.hardware.device");
        assertThat(devices).contains("VirtualCdrom").contains("[LocalDS_0] kiln/vm4-cidata.iso");
        assertThat(soap.property("VirtualMachine", result.instanceId(), "config.extraConfig"))
                .doesNotContain("guestinfo.userdata");
    }

    @Test
    void rmWaitsForTheVmToStopThenDeletesIt() throws Exception {
        // the "guest" shuts down when kiln first waits: no sleep orders this
        ProviderHarness harness = world.harness(tmp).flag("firmware", "bios").sleeper(d -> {
            try {
                soap.find("VirtualMachine", "vm2").ifPresent(vm -> {
                    try {
                        if (soap.text("VirtualMachine", vm, "runtime.powerState").equals("poweredOn")) {
                            soap.powerOff(vm, poll());
                        }
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        RunRequest request = RunRequest.of("tmpl", "vm2", false)
                .withLifecycle(new Lifecycle(Optional.empty(), true, false, Optional.empty()));

        RunResult result = run(harness, request);

        assertThat(result.removed()).isTrue();
        assertThat(result.state()).isEqualTo("poweredOff");
        assertThat(soap.find("VirtualMachine", "vm2")).isEmpty();
    }

    @Test
    void ctrlCWhileTheDeployIsUnderWayLeavesNoVmAndNoIso() throws Exception {
        ProviderHarness harness = world.harness(tmp);
        int before = world.mutations().size();
        // the ISO PUT is the first mutating call, the deploy the second: Ctrl-C as the deploy arrives
        world.onMutation(2, harness.cancel()::cancel);

        Throwable failure = catchThrowable(() -> run(harness, RunRequest.of("tmpl", "vm5", false)
                .withUserdata(Userdata.ofText("#cloud-config\n", "--userdata"))));

        assertThat(failure).isInstanceOf(KilnException.class).hasMessageContaining("interrupted")
                .hasMessageContaining("removed");
        assertThat(world.mutations().get(before + 1)).contains("vcenter/ovf/library-item").contains("deploy");
        assertThat(soap.find("VirtualMachine", "vm5")).isEmpty();
        assertThat(world.datastoreFile("kiln/vm5-cidata.iso")).isNull();
    }

    @Test
    void theVmIsTaggedWithItsNameTheTemplatesDigestAndTheUsersTagsReusingTheTemplatesTags() throws Exception {
        java.util.List<String> before = world.tags();

        RunResult result = run(world.harness(tmp), RunRequest.of("tmpl", "vm6", false)
                .withTags(java.util.Map.of("team", "infra")));

        String version = dev.kiln.api.Version.get();
        assertThat(world.attachedTags(Tagging.VIRTUAL_MACHINE, result.instanceId())).containsExactlyInAnyOrder(
                "kiln-name=vm6", "kiln-digest=sha256:" + "f".repeat(64), "kiln-version=" + version, "team=infra");
        assertThat(before).as("the push tagged the template").contains("kiln-digest=sha256:" + "f".repeat(64));
        assertThat(world.tags()).as("the template's digest and version tags are reused, not made again")
                .containsExactlyInAnyOrder("kiln-digest=sha256:" + "f".repeat(64), "kiln-name=tmpl", "kiln-name=vm6",
                        "kiln-version=" + version, "team=infra");
    }

    @Test
    void aTagFailingAfterTheDeployRemovesTheVmAndTheTagsThisRunMade() throws Exception {
        java.util.List<String> tagsBefore = world.tags();
        java.util.Map<String, String> categoriesBefore = world.tagCategories();
        java.util.concurrent.atomic.AtomicInteger attaches = new java.util.concurrent.atomic.AtomicInteger();
        world.proxy.failFirst(c -> c.contains("~action=attach") && attaches.incrementAndGet() == 4);

        Throwable failure = catchThrowable(() -> run(world.harness(tmp), RunRequest.of("tmpl", "vm7", false)
                .withTags(java.util.Map.of("team", "infra"))));

        assertThat(failure).isInstanceOf(KilnException.class).hasMessageContaining("attach tag team=infra")
                .hasMessageContaining("injected fault").hasMessageContaining("virtual machine");
        assertThat(soap.find("VirtualMachine", "vm7")).isEmpty();
        assertThat(world.tags()).isEqualTo(tagsBefore);
        assertThat(world.tagCategories()).isEqualTo(categoriesBefore);
    }

    @Test
    void aDeployErrorLeavesNoVm() throws Exception {
        Throwable failure = catchThrowable(() -> run(world.harness(tmp).flag("resource-pool", "nowhere"),
                RunRequest.of("tmpl", "vm3", false)));
        Throwable missing = catchThrowable(() -> run(world.harness(tmp), RunRequest.of("no-such-item", "vm3", false)));

        assertThat(failure).isInstanceOf(KilnException.class).hasMessageContaining("--resource-pool");
        assertThat(missing).isInstanceOf(KilnException.class).hasMessageContaining("no-such-item");
        assertThat(soap.find("VirtualMachine", "vm3")).isEmpty();
    }
}
