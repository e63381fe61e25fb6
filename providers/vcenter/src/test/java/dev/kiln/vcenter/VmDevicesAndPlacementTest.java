package dev.kiln.vcenter;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.DiskRequest;
import dev.kiln.api.KilnException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The device specs and deploy specs kiln writes where vcsim cannot show the difference. */
class VmDevicesAndPlacementTest {

    private static List<DiskRequest> disks(String... values) {
        List<DiskRequest> out = new ArrayList<>();
        for (String v : values) {
            out.add(DiskRequest.parse(v, Set.of(VmDevices.DISK_KEYS), true));
        }
        return out;
    }

    @Test
    void aVmWithoutAScsiControllerGetsAParavirtualOneThatTheNewDisksUse() {
        String devices = "<val xsi:type=\"ArrayOfVirtualDevice\">"
                + "<VirtualDevice xsi:type=\"VirtualIDEController\"><key>200</key><busNumber>0</busNumber></VirtualDevice>"
                + "<VirtualDevice xsi:type=\"VirtualDisk\"><key>3000</key><controllerKey>200</controllerKey>"
                + "<unitNumber>0</unitNumber></VirtualDevice></val>";

        String xml = VmDevices.of(devices).disks(disks("size=2G", "size=1M,type=eager")).xml();

        assertThat(xml).startsWith("<deviceChange><operation>add</operation><device xsi:type="
                + "\"ParaVirtualSCSIController\"><key>-100</key><busNumber>0</busNumber>");
        assertThat(xml).contains("<controllerKey>-100</controllerKey><unitNumber>0</unitNumber>"
                + "<capacityInKB>2097152</capacityInKB>");
        assertThat(xml).contains("<thinProvisioned>false</thinProvisioned><eagerlyScrub>true</eagerlyScrub>")
                .contains("<controllerKey>-100</controllerKey><unitNumber>1</unitNumber><capacityInKB>1024<");
        assertThat(xml.split("<fileOperation>create</fileOperation>", -1)).hasSize(3);
    }

    @Test
    void newDisksSkipUnitSevenWhichTheControllerItselfHolds() {
        StringBuilder devices = new StringBuilder("<VirtualDevice XMLSchema-instance:type=\"ParaVirtualSCSIController\">"
                + "<key>1000</key><busNumber>0</busNumber></VirtualDevice>");
        for (int unit = 0; unit < 7; unit++) {
            devices.append("<VirtualDevice XMLSchema-instance:type=\"VirtualDisk\"><key>").append(2000 + unit)
                    .append("</key><controllerKey>1000</controllerKey><unitNumber>").append(unit)
                    .append("</unitNumber></VirtualDevice>");
        }

        String xml = VmDevices.of(devices.toString()).disks(disks("size=1G")).xml();

        assertThat(xml).contains("<controllerKey>1000</controllerKey><unitNumber>8</unitNumber>")
                .doesNotContain("ParaVirtualSCSIController");
    }

    @Test
    void networkMappingsAreAnObjectOverApiAndKeyValuePairsOverRest() {
        Placement placement = new Placement("resgroup-1", null, null, "datastore-9",
                List.of(Map.entry("", "prod"), Map.entry("backup", "bk")), Map.of("prod", "network-7", "bk",
                "dvportgroup-3"), "Resources");

        ObjectNode api = VcenterRest.JSON.createObjectNode();
        placement.addTo(api, List.of("frontend", "backup"), VcenterRest.Dialect.API);
        ObjectNode rest = VcenterRest.JSON.createObjectNode();
        placement.addTo(rest, List.of(), VcenterRest.Dialect.REST);

        assertThat(api.toString()).isEqualTo("{\"default_datastore_id\":\"datastore-9\",\"network_mappings\":"
                + "{\"frontend\":\"network-7\",\"backup\":\"dvportgroup-3\"}}");
        assertThat(rest.path("network_mappings").toString()).isEqualTo("[{\"key\":\"VM Network\",\"value\":"
                + "\"network-7\"},{\"key\":\"backup\",\"value\":\"dvportgroup-3\"}]");
    }

    @Test
    void moreUnnamedNetworksThanTheTemplateHasIsRefused() {
        Placement placement = new Placement("resgroup-1", null, null, null,
                List.of(Map.entry("", "a"), Map.entry("", "b")), Map.of("a", "network-1", "b", "network-2"), "x");

        assertThatThrownBy(() -> placement.addTo(VcenterRest.JSON.createObjectNode(), List.of("only"),
                VcenterRest.Dialect.API)).isInstanceOf(KilnException.class).hasMessageContaining("--network OVF=NAME");
    }

    @Test
    void theSerialFileIsNextToTheVmx() {
        assertThat(SerialLog.nextTo("[LocalDS_0] vm1/vm1.vmx")).isEqualTo("[LocalDS_0] vm1/serial.out");
        assertThat(SerialLog.nextTo("[ds 2] a/b/c.vmx")).isEqualTo("[ds 2] a/b/serial.out");
    }
}
