package dev.kiln.vcenter;

import dev.kiln.api.DiskRequest;
import dev.kiln.api.KilnException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code deviceChange} entries of a ReconfigVM_Task (or CreateVM_Task) spec, in the vim25 schema's element
 * order: new VMDKs ({@code --disk}) on the VM's SCSI controller (a paravirtual one is added when it has none), a
 * CD-ROM with an ISO, a serial port writing to a datastore file. New devices take negative keys, as the API asks.
 */
final class VmDevices {

    /** Keys {@code --disk} takes on vCenter. */
    static final String[] DISK_KEYS = {DiskRequest.SIZE, DiskRequest.TYPE};

    private static final Set<String> SCSI = Set.of("ParaVirtualSCSIController", "VirtualLsiLogicController",
            "VirtualLsiLogicSASController", "VirtualBusLogicController");
    private static final Pattern DEVICE = Pattern.compile(
            "<VirtualDevice [\\w-]+:type=\"(\\w+)\">(.*?)</VirtualDevice>", Pattern.DOTALL);

    /** One device of a VM as read back from {@code config.hardware.device}. */
    record Device(String type, int key, int controllerKey, int unitNumber, int busNumber) {
    }

    private final List<Device> existing;
    private final List<String> changes = new ArrayList<>();
    private int nextKey = -100;

    private VmDevices(List<Device> existing) {
        this.existing = existing;
    }

    /** Changes to a VM whose devices are the SOAP answer of reading {@code config.hardware.device}. */
    static VmDevices of(String hardwareDevices) {
        return new VmDevices(parse(hardwareDevices));
    }

    /** Changes to a VM being created (it has only what vSphere adds itself: IDE controllers 200 and 201). */
    static VmDevices forNewVm() {
        return new VmDevices(new ArrayList<>(List.of(new Device("VirtualIDEController", 200, 0, -1, 0),
                new Device("VirtualIDEController", 201, 0, -1, 1))));
    }

    static List<Device> parse(String answer) {
        List<Device> out = new ArrayList<>();
        Matcher m = DEVICE.matcher(answer);
        while (m.find()) {
            String body = m.group(2);
            out.add(new Device(m.group(1), number(body, "key"), number(body, "controllerKey"),
                    number(body, "unitNumber"), number(body, "busNumber")));
        }
        return out;
    }

    private static int number(String body, String element) {
        Matcher m = Pattern.compile("<" + element + ">(-?\\d+)</" + element + ">").matcher(body);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Refuses a {@code --disk type=} vCenter has no provisioning for, before anything is made. */
    static void check(List<DiskRequest> disks) {
        for (DiskRequest disk : disks) {
            String type = disk.type().orElse("thin").toLowerCase(Locale.ROOT);
            if (!type.equals("thin") && !type.equals("thick") && !type.equals("eager")) {
                throw KilnException.usage("--disk " + disk + ": type must be thin, thick or eager (eager-zeroed"
                        + " thick), not '" + type + "'");
            }
        }
    }

    /** The deviceChange elements so far, to go inside {@code <spec>}. */
    String xml() {
        return String.join("", changes);
    }

    boolean isEmpty() {
        return changes.isEmpty();
    }

    /**
     * One new VMDK per {@code --disk}, created in the VM's folder (an empty file name), thin unless
     * {@code type=thick} or {@code type=eager} (eager-zeroed thick).
     */
    VmDevices disks(List<DiskRequest> disks) {
        if (disks.isEmpty()) {
            return this;
        }
        check(disks);
        int controller = scsiController();
        Set<Integer> used = new TreeSet<>();
        used.add(7);
        existing.stream().filter(d -> d.controllerKey() == controller).forEach(d -> used.add(d.unitNumber()));
        for (DiskRequest disk : disks) {
            long bytes = disk.size().orElseThrow(() -> KilnException.usage("--disk " + disk + ": size= is required"));
            String type = disk.type().orElse("thin").toLowerCase(Locale.ROOT);
            int unit = 0;
            while (used.contains(unit)) {
                unit++;
            }
            if (unit > 15) {
                throw KilnException.usage("Too many --disk: a SCSI controller has 15 places for disks");
            }
            used.add(unit);
            long kib = (bytes + 1023) / 1024;
            changes.add("<deviceChange><operation>add</operation><fileOperation>create</fileOperation>"
                    + "<device xsi:type=\"VirtualDisk\"><key>" + (nextKey--) + "</key>"
                    + "<backing xsi:type=\"VirtualDiskFlatVer2BackingInfo\"><fileName></fileName>"
                    + "<diskMode>persistent</diskMode><thinProvisioned>" + type.equals("thin") + "</thinProvisioned>"
                    + "<eagerlyScrub>" + type.equals("eager") + "</eagerlyScrub></backing>"
                    + "<controllerKey>" + controller + "</controllerKey><unitNumber>" + unit + "</unitNumber>"
                    + "<capacityInKB>" + kib + "</capacityInKB></device></deviceChange>");
        }
        return this;
    }

    /** The key of the VM's first SCSI controller; a new paravirtual controller when it has none. */
    private int scsiController() {
        for (Device d : existing) {
            if (SCSI.contains(d.type())) {
                return d.key();
            }
        }
        int key = nextKey--;
        changes.add(0, "<deviceChange><operation>add</operation><device xsi:type=\"ParaVirtualSCSIController\">"
                + "<key>" + key + "</key><busNumber>0</busNumber><sharedBus>noSharing</sharedBus></device>"
                + "</deviceChange>");
        existing.add(new Device("ParaVirtualSCSIController", key, 100, -1, 0));
        return key;
    }

    /** A CD-ROM holding {@code isoPath} ({@code [ds] path}) on the first IDE controller, connected at power-on. */
    VmDevices cdrom(String isoPath) {
        int controller = existing.stream().filter(d -> d.type().equals("VirtualIDEController")).mapToInt(Device::key)
                .findFirst().orElse(200);
        Set<Integer> used = new TreeSet<>();
        existing.stream().filter(d -> d.controllerKey() == controller).forEach(d -> used.add(d.unitNumber()));
        int unit = used.contains(0) ? 1 : 0;
        changes.add("<deviceChange><operation>add</operation><device xsi:type=\"VirtualCdrom\"><key>" + (nextKey--)
                + "</key><backing xsi:type=\"VirtualCdromIsoBackingInfo\"><fileName>" + VimSoap.xml(isoPath)
                + "</fileName></backing><connectable><startConnected>true</startConnected>"
                + "<allowGuestControl>true</allowGuestControl><connected>true</connected></connectable>"
                + "<controllerKey>" + controller + "</controllerKey><unitNumber>" + unit + "</unitNumber></device>"
                + "</deviceChange>");
        existing.add(new Device("VirtualCdrom", nextKey + 1, controller, unit, -1));
        return this;
    }

    /** A serial port writing everything the guest sends to {@code filePath} ({@code [ds] path}). */
    VmDevices serialToFile(String filePath) {
        changes.add("<deviceChange><operation>add</operation><device xsi:type=\"VirtualSerialPort\"><key>"
                + (nextKey--) + "</key><backing xsi:type=\"VirtualSerialPortFileBackingInfo\"><fileName>"
                + VimSoap.xml(filePath) + "</fileName></backing><connectable><startConnected>true</startConnected>"
                + "<allowGuestControl>true</allowGuestControl><connected>true</connected></connectable>"
                + "<yieldOnPoll>true</yieldOnPoll></device></deviceChange>");
        return this;
    }

    /** A vmxnet3 NIC on the standard network (or port group) of moref {@code network} named {@code name}. */
    VmDevices nic(String name) {
        changes.add("<deviceChange><operation>add</operation><device xsi:type=\"VirtualVmxnet3\"><key>" + (nextKey--)
                + "</key><backing xsi:type=\"VirtualEthernetCardNetworkBackingInfo\"><deviceName>" + VimSoap.xml(name)
                + "</deviceName></backing><connectable><startConnected>true</startConnected>"
                + "<allowGuestControl>true</allowGuestControl><connected>true</connected></connectable>"
                + "<addressType>generated</addressType></device></deviceChange>");
        return this;
    }
}
