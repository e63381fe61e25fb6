package dev.kiln.qemu;

import dev.kiln.api.BootMode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class QemuCommandLineTest {

    private static final UUID ID = UUID.fromString("6f1c1e4e-8d0a-4c57-9d8e-0b6f0e1d2c3a");
    private static final BootImage KERNEL = new BootImage(ImageKind.KERNEL_INITRD, Path.of("/i/hello-kernel"),
            Optional.of(Path.of("/i/hello-initrd.img")), Optional.of("console=ttyS0 quiet"), Path.of("/i/hello"));

    private static QemuVm vm(BootImage boot, Firmware firmware, List<QemuVm.Drive> disks, Optional<Path> seed,
                             Optional<QemuVm.Network> network, boolean detached) {
        return new QemuVm("qemu-system-x86_64", "hello", ID, Accelerator.TCG, 2, 512, firmware, boot, disks, seed,
                network, Path.of("/s/console.log"), Path.of("/s/qemu.pid"), detached);
    }

    private static String joined(QemuVm vm) {
        return String.join(" ", QemuCommandLine.of(vm));
    }

    @Test
    void bootsAKernelWithSeabiosTcgAndTheSerialConsoleOnStdio() {
        List<String> argv = QemuCommandLine.of(vm(KERNEL, Firmware.bios(), List.of(), Optional.empty(),
                Optional.empty(), false));

        assertThat(argv).startsWith("qemu-system-x86_64", "-name", "hello", "-uuid", ID.toString(),
                "-machine", "q35", "-accel", "tcg", "-smp", "2", "-m", "512");
        assertThat(String.join(" ", argv))
                .contains("-kernel /i/hello-kernel -initrd /i/hello-initrd.img -append")
                .contains("-device pvpanic -action panic=exit-failure")
                .contains("-serial chardev:console")
                .contains("-chardev stdio,id=console,signal=on,logfile=/s/console.log")
                .contains("-nic none")
                .contains("-pidfile /s/qemu.pid")
                .doesNotContain("pflash").doesNotContain("-daemonize");
        assertThat(argv.get(argv.indexOf("-append") + 1)).isEqualTo("console=ttyS0 quiet");
    }

    @Test
    void givesOvmfItsCodeReadOnlyAndThePrivateVarsWritable() {
        Firmware uefi = new Firmware(BootMode.UEFI, Optional.of(Path.of("/ovmf/CODE.fd")),
                Optional.of(Path.of("/ovmf/VARS.fd")), Optional.of(Path.of("/s/efi-vars.fd")));

        String line = joined(vm(KERNEL, uefi, List.of(), Optional.empty(), Optional.empty(), false));

        assertThat(line).contains("-drive if=pflash,format=raw,unit=0,readonly=on,file=/ovmf/CODE.fd")
                .contains("-drive if=pflash,format=raw,unit=1,file=/s/efi-vars.fd")
                .doesNotContain("/ovmf/VARS.fd");
    }

    @Test
    void bootsADiskFirstAndAttachesFurtherDisksAndTheSeedCd() {
        BootImage disk = new BootImage(ImageKind.QCOW2, Path.of("/i/hello.qcow2"), Optional.empty(),
                Optional.empty(), Path.of("/i/hello.qcow2"));
        List<QemuVm.Drive> extra = List.of(new QemuVm.Drive(Path.of("/s/disk.img"), "qcow2"),
                new QemuVm.Drive(Path.of("/d/data.vhd"), "vpc"));

        List<String> argv = QemuCommandLine.of(vm(disk, Firmware.bios(), extra, Optional.of(Path.of("/s/seed.iso")),
                Optional.empty(), false));

        assertThat(String.join(" ", argv))
                .contains("-drive file=/i/hello.qcow2,format=qcow2,if=none,id=boot "
                        + "-device virtio-blk-pci,drive=boot,bootindex=0")
                .contains("-drive file=/s/disk.img,format=qcow2,if=none,id=disk0 -device virtio-blk-pci,drive=disk0 ")
                .contains("-drive file=/d/data.vhd,format=vpc,if=none,id=disk1 -device virtio-blk-pci,drive=disk1 ")
                .contains("-drive file=/s/seed.iso,format=raw,if=none,id=seed,media=cdrom,readonly=on "
                        + "-device ide-cd,drive=seed,bus=ide.1 ");
        assertThat(argv.indexOf("file=/i/hello.qcow2,format=qcow2,if=none,id=boot"))
                .isLessThan(argv.indexOf("file=/s/disk.img,format=qcow2,if=none,id=disk0"));
    }

    @Test
    void bootsAnIsoFromACdDrive() {
        BootImage iso = new BootImage(ImageKind.ISO, Path.of("/i/hello.iso"), Optional.empty(), Optional.empty(),
                Path.of("/i/hello"));

        String line = joined(vm(iso, Firmware.bios(), List.of(), Optional.empty(), Optional.empty(), false));

        assertThat(line).contains("-drive file=/i/hello.iso,format=raw,if=none,id=cd0,media=cdrom,readonly=on "
                + "-device ide-cd,drive=cd0,bus=ide.0,bootindex=0");
    }

    @Test
    void forwardsPublishedPortsOnTheUserNetworkWithTheStableMac() {
        QemuVm.Network net = new QemuVm.Network("52:54:00:aa:bb:cc",
                List.of(PortForward.parse("8080:80"), PortForward.parse("127.0.0.1:2222:22/tcp"),
                        PortForward.parse("5353:53/udp")));

        String line = joined(vm(KERNEL, Firmware.bios(), List.of(), Optional.empty(), Optional.of(net), false));

        assertThat(line).contains("-netdev user,id=net0,hostfwd=tcp::8080-:80,hostfwd=tcp:127.0.0.1:2222-:22,"
                        + "hostfwd=udp::5353-:53 -device virtio-net-pci,netdev=net0,mac=52:54:00:aa:bb:cc")
                .doesNotContain("-nic none");
    }

    @Test
    void detachedVmsWriteTheConsoleToAFileAndDaemonize() {
        String line = joined(vm(KERNEL, Firmware.bios(), List.of(), Optional.empty(), Optional.empty(), true));

        assertThat(line).contains("-chardev file,id=console,path=/s/console.log -daemonize")
                .doesNotContain("stdio");
    }

    @Test
    void kvmPassesTheHostCpuThrough() {
        QemuVm kvm = new QemuVm("qemu-system-x86_64", "hello", ID, Accelerator.KVM, 1, 1024, Firmware.bios(), KERNEL,
                List.of(), Optional.empty(), Optional.empty(), Path.of("/s/console.log"), Path.of("/s/qemu.pid"),
                false);

        assertThat(joined(kvm)).contains("-accel kvm -cpu host").doesNotContain("tcg");
    }

    @Test
    void doublesCommasInFileNamesAsQemuOptionSyntaxWants() {
        List<QemuVm.Drive> odd = List.of(new QemuVm.Drive(Path.of("/s/a,b.img"), "raw"));

        String line = joined(vm(KERNEL, Firmware.bios(), odd, Optional.empty(), Optional.empty(), false));

        assertThat(line).contains("file=/s/a,,b.img,format=raw");
    }
}
