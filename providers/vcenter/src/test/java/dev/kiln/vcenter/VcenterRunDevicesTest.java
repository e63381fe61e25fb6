package dev.kiln.vcenter;

import dev.kiln.api.Event;
import dev.kiln.api.KilnException;
import dev.kiln.api.Lifecycle;
import dev.kiln.api.Poll;
import dev.kiln.spi.RunChecks;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.RunResult;
import dev.kiln.testkit.FakeTime;
import dev.kiln.testkit.ProviderHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * run vcenter against vcsim, what the VM gets besides the template: --disk VMDKs, a serial port on a datastore
 * file that kiln follows, the IP VMware Tools reports (--wait-ip), placement flags, and a VM made around a
 * datastore ISO.
 */
class VcenterRunDevicesTest {

    @TempDir
    Path tmp;

    private VcenterWorld world;
    private VimSoap soap;

    @BeforeEach
    void start() throws Exception {
        world = new VcenterWorld();
        world.pushTemplate(tmp, "sha256:" + "e".repeat(64));
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

    private static Lifecycle waiting(Lifecycle.Wait wait, Duration timeout) {
        return new Lifecycle(Optional.of(wait), false, false, Optional.ofNullable(timeout));
    }

    /** The VirtualDisk devices of a VM as "capacityInKB thin fileName controllerKey:unit". */
    private List<String> disks(String vm) throws Exception {
        String devices = soap.property("VirtualMachine", vm, "config.hardware.device");
        Matcher m = Pattern.compile("<VirtualDevice [\\w-]+:type=\"VirtualDisk\">(.*?)</VirtualDevice>", Pattern.DOTALL)
                .matcher(devices);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            String d = m.group(1);
            out.add(field(d, "capacityInKB") + " thin=" + field(d, "thinProvisioned") + " " + field(d, "fileName")
                    + " " + field(d, "controllerKey") + ":" + field(d, "unitNumber"));
        }
        return out;
    }

    private static String field(String xml, String element) {
        Matcher m = Pattern.compile("<" + element + ">([^<]*)</" + element + ">").matcher(xml);
        return m.find() ? m.group(1) : "";
    }

    @Test
    void disksFromTheSharedGrammarBecomeNewVmdksOnTheTemplatesScsiController() throws Exception {
        RunRequest request = RunRequest.of("tmpl", "disky", false).withDisks(RunChecks.disks(
                List.of("size=1G", "size=512M,type=thick"), new VcenterProviderFactory().runSupport(), "vcenter"));

        RunResult result = run(world.harness(tmp), request);

        List<String> disks = disks(result.instanceId());
        String devices = soap.property("VirtualMachine", result.instanceId(), "config.hardware.device");
        String scsi = devices.replaceAll("(?s).*<VirtualDevice [\\w-]+:type=\"VirtualLsiLogicController\"><key>(\\d+)</key>.*",
                "$1");
        assertThat(disks).as("the template's disk, then the two new ones").hasSize(3);
        assertThat(disks.get(1)).startsWith("1048576 thin=true [LocalDS_0] disky/disky").endsWith(" " + scsi + ":1");
        assertThat(disks.get(2)).startsWith("524288 thin=false [LocalDS_0] disky/disky").endsWith(" " + scsi + ":2");
        assertThat(result.state()).isEqualTo("poweredOn");
    }

    @Test
    void aDiskTypeVcenterDoesNotKnowIsRefusedBeforeAnythingIsMade() throws Exception {
        int before = world.mutations().size();
        RunRequest request = RunRequest.of("tmpl", "badtype", false).withDisks(RunChecks.disks(
                List.of("size=1G,type=gp3"), new VcenterProviderFactory().runSupport(), "vcenter"));

        Throwable failure = catchThrowable(() -> run(world.harness(tmp), request));

        assertThat(failure).isInstanceOf(KilnException.class).hasMessageContaining("thin, thick or eager");
        assertThat(soap.find("VirtualMachine", "badtype")).isEmpty();
        assertThat(world.mutations().subList(before, world.mutations().size()))
                .noneMatch(c -> c.contains("deploy"));
    }

    @Test
    void theSerialPortWritesToADatastoreFileThatKilnFollowsAndSaves() throws Exception {
        Path saved = tmp.resolve("serial.log");
        AtomicInteger looks = new AtomicInteger();
        // the "guest": first it writes one and a half lines, then the rest, then powers off; no sleep orders this
        ProviderHarness harness = world.harness(tmp).flag("serial-log", saved.toString()).sleeper(d -> {
            try {
                String vm = soap.find("VirtualMachine", "talky").orElseThrow();
                String dir = soap.text("VirtualMachine", vm, "config.files.vmPathName")
                        .replaceAll("^\\[[^]]+] ", "").replaceAll("/[^/]*$", "");
                switch (looks.incrementAndGet()) {
                    case 1 -> world.putDatastoreFile(dir + "/serial.out", "Booting kiln\r\nlinuxkit ".getBytes());
                    case 2 -> world.putDatastoreFile(dir + "/serial.out",
                            "Booting kiln\r\nlinuxkit login: \nbye".getBytes());
                    default -> soap.powerOff(vm, poll());
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        RunResult result = run(harness, RunRequest.of("tmpl", "talky", false)
                .withLifecycle(waiting(Lifecycle.Wait.STOPPED, null)));

        String devices = soap.property("VirtualMachine", result.instanceId(), "config.hardware.device");
        assertThat(devices).contains("VirtualSerialPort").contains("VirtualSerialPortFileBackingInfo")
                .contains("[LocalDS_0] talky/serial.out");
        List<String> console = harness.events().all().stream().filter(e -> e instanceof Event.Log l
                && l.source().endsWith("console")).map(e -> ((Event.Log) e).message()).toList();
        assertThat(console).containsExactly("Booting kiln", "linuxkit login: ", "bye");
        assertThat(Files.readString(saved)).isEqualTo("Booting kiln\r\nlinuxkit login: \nbye");
        assertThat(result.consoleLog()).contains(saved);
        assertThat(result.state()).isEqualTo("poweredOff");
    }

    @Test
    void waitIpReturnsTheAddressVmwareToolsReports() throws Exception {
        FakeTime time = new FakeTime();
        AtomicInteger looks = new AtomicInteger();
        ProviderHarness harness = world.harness(tmp).flag("wait-ip", "true").clock(time).sleeper(d -> {
            time.sleep(d);
            if (looks.incrementAndGet() == 3) {
                try {
                    // vcsim's way of playing VMware Tools: the SET. ExtraConfig prefix sets a property
                    String vm = soap.find("VirtualMachine", "ipvm").orElseThrow();
                    soap.reconfigure(vm, null, Map.of("SET.guest.ipAddress", "10.20.30.40"), null, poll());
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
        });

        RunResult result = run(harness, RunRequest.of("tmpl", "ipvm", false));

        assertThat(result.addresses()).containsEntry("private_ipv4", "10.20.30.40");
        assertThat(harness.events().text()).contains("ipvm has IP address 10.20.30.40");
        assertThat(soap.find("VirtualMachine", "ipvm")).isPresent();
    }

    @Test
    void waitIpIsBoundedByTimeoutAndThenRemovesTheVm() throws Exception {
        FakeTime time = new FakeTime();
        ProviderHarness harness = world.harness(tmp).flag("wait-ip", "true").clock(time).sleeper(time);

        Throwable failure = catchThrowable(() -> run(harness, RunRequest.of("tmpl", "noip", false)
                .withLifecycle(waiting(Lifecycle.Wait.RUNNING, Duration.ofMinutes(3)))));

        assertThat(failure).isInstanceOf(KilnException.class).hasMessageContaining("VMware Tools")
                .hasMessageContaining("IP address").hasMessageContaining("3 min");
        assertThat(time.elapsed()).isGreaterThanOrEqualTo(Duration.ofMinutes(3)).isLessThan(Duration.ofMinutes(4));
        assertThat(soap.find("VirtualMachine", "noip")).isEmpty();
    }

    @Test
    void ctrlCWhileWaitingForTheIpRemovesTheVm() throws Exception {
        FakeTime time = new FakeTime().interruptOnSleep(2);
        ProviderHarness harness = world.harness(tmp).flag("wait-ip", "true").clock(time).sleeper(time);

        Throwable failure = catchThrowable(() -> run(harness, RunRequest.of("tmpl", "cut", false)));

        assertThat(failure).isInstanceOf(KilnException.class).hasMessageContaining("interrupted")
                .hasMessageContaining("virtual machine");
        assertThat(soap.find("VirtualMachine", "cut")).isEmpty();
    }

    @Test
    void placementFlagsAreResolvedAndPassedToTheDeploy() throws Exception {
        String cluster = soap.find("ClusterComputeResource", "DC0_C0").orElseThrow();
        String clusterPool = soap.reference("ClusterComputeResource", cluster, "resourcePool")[1];
        String host = soap.find("HostSystem", "DC0_C0_H1").orElseThrow();
        String datastore = soap.find("Datastore", "LocalDS_0").orElseThrow();
        String network = soap.find("Network", "DC0_DVPG0").orElseThrow();
        String folder = soap.find("Folder", "vm").orElseThrow();

        RunResult result = run(world.harness(tmp).flag("cluster", "DC0_C0").flag("host", "DC0_C0_H1")
                .flag("folder", "vm").flag("network", "DC0_DVPG0"), RunRequest.of("tmpl", "placed", false));

        String deploy = world.proxy.requests().stream().filter(r -> r.contains("~action=deploy")).findFirst()
                .orElseThrow();
        var body = VcenterWorld.JSON.readTree(deploy.substring(deploy.indexOf('\n') + 1));
        assertThat(body.path("target").path("resource_pool_id").asText()).isEqualTo(clusterPool);
        assertThat(body.path("target").path("host_id").asText()).isEqualTo(host);
        assertThat(body.path("target").path("folder_id").asText()).isEqualTo(folder);
        assertThat(body.path("deployment_spec").path("default_datastore_id").asText()).isEqualTo(datastore);
        assertThat(body.path("deployment_spec").path("network_mappings").toString())
                .isEqualTo("[{\"key\":\"VM Network\",\"value\":\"" + network + "\"}]");
        String vm = result.instanceId();
        assertThat(soap.reference("VirtualMachine", vm, "runtime.host")[1]).isEqualTo(host);
        assertThat(soap.reference("VirtualMachine", vm, "resourcePool")[1]).isEqualTo(clusterPool);
        assertThat(soap.property("VirtualMachine", vm, "network")).contains(network);
    }

    @Test
    void anUnknownPlacementNameIsRefusedNamingTheFlag() throws Exception {
        Throwable cluster = catchThrowable(() -> run(world.harness(tmp).flag("cluster", "nope"),
                RunRequest.of("tmpl", "lost", false)));
        Throwable net = catchThrowable(() -> run(world.harness(tmp).flag("network", "VM Network=nope"),
                RunRequest.of("tmpl", "lost", false)));

        assertThat(cluster).isInstanceOf(KilnException.class).hasMessageContaining("--cluster");
        assertThat(net).isInstanceOf(KilnException.class).hasMessageContaining("--network");
        assertThat(soap.find("VirtualMachine", "lost")).isEmpty();
    }

    @Test
    void aVmIsMadeAroundADatastoreIsoWithTheChosenFirmwareAndANic() throws Exception {
        world.putDatastoreFile("kiln/boot.iso", new byte[4096]);
        world.putDatastoreFile("kiln/boot.iso.kiln-digest", ("sha256:" + "d".repeat(64) + "\n").getBytes());

        RunResult result = run(world.harness(tmp).flag("firmware", "bios").flag("cpus", "2").flag("memory", "2G"),
                RunRequest.of("[LocalDS_0] kiln/boot.iso", "isovm", false));

        String vm = result.instanceId();
        assertThat(soap.find("VirtualMachine", "isovm")).contains(vm);
        assertThat(soap.text("VirtualMachine", vm, "config.guestId")).isEqualTo("otherLinux64Guest");
        assertThat(soap.text("VirtualMachine", vm, "config.firmware")).isEqualTo("bios");
        assertThat(soap.text("VirtualMachine", vm, "config.hardware.numCPU")).isEqualTo("2");
        assertThat(soap.text("VirtualMachine", vm, "config.hardware.memoryMB")).isEqualTo("2048");
        String devices = soap.property("VirtualMachine", vm, "config.hardware.device");
        assertThat(devices).contains("VirtualVmxnet3").contains("VirtualCdromIsoBackingInfo")
                .contains("[LocalDS_0] kiln/boot.iso");
        assertThat(soap.text("VirtualMachine", vm, "runtime.powerState")).isEqualTo("poweredOn");
        assertThat(world.attachedTags(Tagging.VIRTUAL_MACHINE, vm)).contains("kiln-digest=sha256:" + "d".repeat(64),
                "kiln-name=isovm");
    }

    /**
     * An ISO of {@code 20 * 2048} bytes whose El Torito catalog (sector 19, pointed to by the boot record in
     * sector 17) has a validation entry for the first platform id and a section per further one.
     */
    static byte[] isoBooting(int... platforms) {
        byte[] iso = new byte[20 * 2048];
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(iso).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int record = 17 * 2048;
        b.put(record + 1, "CD001".getBytes()).put(record + 6, (byte) 1)
                .put(record + 7, "EL TORITO SPECIFICATION".getBytes()).putInt(record + 0x47, 19);
        int catalog = 19 * 2048;
        b.put(catalog, (byte) 0x01).put(catalog + 1, (byte) platforms[0]).put(catalog + 0x1e, (byte) 0x55)
                .put(catalog + 0x1f, (byte) 0xaa).put(catalog + 32, (byte) 0x88);
        for (int i = 1; i < platforms.length; i++) {
            int section = catalog + 64 * i;
            b.put(section, (byte) (i == platforms.length - 1 ? 0x91 : 0x90)).put(section + 1, (byte) platforms[i])
                    .put(section + 2, (byte) 1).put(section + 32, (byte) 0x88);
        }
        return iso;
    }

    @Test
    void withoutFirmwareAVmAroundADatastoreIsoGetsWhatTheIsosBootCatalogNames() throws Exception {
        world.putDatastoreFile("kiln/bios.iso", isoBooting(0x00));
        world.putDatastoreFile("kiln/both.iso", isoBooting(0x00, 0xef));
        world.putDatastoreFile("kiln/plain.iso", new byte[20 * 2048]);
        ProviderHarness harness = world.harness(tmp);

        String bios = run(harness, RunRequest.of("[LocalDS_0] kiln/bios.iso", "biosvm", false)).instanceId();
        String both = run(harness, RunRequest.of("[LocalDS_0] kiln/both.iso", "bothvm", false)).instanceId();
        String plain = run(harness, RunRequest.of("[LocalDS_0] kiln/plain.iso", "plainvm", false)).instanceId();

        assertThat(soap.text("VirtualMachine", bios, "config.firmware")).isEqualTo("bios");
        assertThat(soap.text("VirtualMachine", both, "config.firmware")).isEqualTo("efi");
        assertThat(soap.text("VirtualMachine", plain, "config.firmware")).isEqualTo("efi");
        assertThat(harness.events().text())
                .contains("firmware bios: what [LocalDS_0] kiln/bios.iso boots with")
                .contains("firmware efi: what [LocalDS_0] kiln/both.iso boots with")
                .contains("[LocalDS_0] kiln/plain.iso has no El Torito boot catalog; giving the VM efi firmware");
    }

    @Test
    void firmwareGivenOverridesWhatTheIsoBootsWith() throws Exception {
        world.putDatastoreFile("kiln/bios.iso", isoBooting(0x00));

        String vm = run(world.harness(tmp).flag("firmware", "efi"),
                RunRequest.of("[LocalDS_0] kiln/bios.iso", "efivm", false)).instanceId();

        assertThat(soap.text("VirtualMachine", vm, "config.firmware")).isEqualTo("efi");
    }

    @Test
    void aDatastoreVmdkIsRefusedSayingWhatToDoInstead() throws Exception {
        int before = world.mutations().size();

        Throwable failure = catchThrowable(() -> run(world.harness(tmp),
                RunRequest.of("[LocalDS_0] kiln/disk.vmdk", "vmdkvm", false)));

        assertThat(failure).isInstanceOf(KilnException.class).hasMessageContaining("stream-optimized")
                .hasMessageContaining("content library");
        assertThat(world.mutations()).hasSize(before);
    }
}
