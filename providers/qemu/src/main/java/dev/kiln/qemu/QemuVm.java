package dev.kiln.qemu;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Everything qemu is told about one VM; {@link QemuCommandLine} turns it into arguments.
 *
 * @param binary      the emulator, e.g. {@code qemu-system-x86_64}
 * @param name        the instance name (qemu's {@code -name})
 * @param uuid        the VM's SMBIOS UUID, stable per state directory
 * @param accelerator KVM or TCG
 * @param cpus        virtual CPUs
 * @param memoryMb    memory in MiB
 * @param firmware    SeaBIOS or OVMF
 * @param boot        what it boots: a kernel+initrd, a CD or a disk
 * @param disks       further disks, in --disk order
 * @param seed        the NoCloud seed CD, when there is userdata
 * @param network     user networking, or none
 * @param consoleLog  where qemu copies the serial console
 * @param pidFile     where qemu writes its pid
 * @param detached    run in the background with the console only in the log
 */
record QemuVm(String binary, String name, UUID uuid, Accelerator accelerator, int cpus, int memoryMb,
              Firmware firmware, BootImage boot, List<Drive> disks, Optional<Path> seed, Optional<Network> network,
              Path consoleLog, Path pidFile, boolean detached) {

    QemuVm {
        Objects.requireNonNull(binary, "binary");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(accelerator, "accelerator");
        Objects.requireNonNull(firmware, "firmware");
        Objects.requireNonNull(boot, "boot");
        disks = List.copyOf(disks);
        Objects.requireNonNull(consoleLog, "consoleLog");
        Objects.requireNonNull(pidFile, "pidFile");
        if (cpus < 1 || memoryMb < 1) {
            throw new IllegalArgumentException("a VM needs at least one CPU and some memory");
        }
    }

    /** A disk image attached as a virtio block device. */
    record Drive(Path file, String format) {
        Drive {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(format, "format");
        }
    }

    /**
     * qemu's user network (slirp): NAT, DHCP and the forwarded ports.
     *
     * @param mac      the guest's MAC address, stable per state directory
     * @param forwards the published ports
     */
    record Network(String mac, List<PortForward> forwards) {
        Network {
            Objects.requireNonNull(mac, "mac");
            forwards = List.copyOf(forwards);
        }
    }
}
