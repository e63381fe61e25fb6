package dev.kiln.qemu;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds qemu's argument vector from a {@link QemuVm}; pure, so it is tested without booting.
 *
 * <p>The shape follows LinuxKit's {@code run qemu}: a q35 machine, virtio-rng (guests otherwise
 * wait for entropy), virtio disks and network, OVMF as two pflash drives. Where kiln differs:
 * a pvpanic device with {@code -action panic=exit-failure}, so a guest kernel panic ends the run
 * with exit status 1 instead of a reboot loop (where the guest has the pvpanic driver);
 * the boot device is named with {@code bootindex} rather than drive indexes, the seed CD is an
 * extra CD drive on its own AHCI port (so it works while booting from an ISO too), and the serial console is a stdio
 * chardev that qemu also copies into the console log, or a file when detached. File names in
 * {@code -drive} have their commas doubled, as qemu's option syntax wants.
 */
final class QemuCommandLine {

    /** The AHCI port of a boot CD, and the one of the seed CD, so both fit at once. */
    static final String BOOT_CD_BUS = "ide.0";
    static final String SEED_BUS = "ide.1";

    private QemuCommandLine() {
    }

    static List<String> of(QemuVm vm) {
        List<String> args = new ArrayList<>();
        args.add(vm.binary());
        add(args, "-name", escape(vm.name()), "-uuid", vm.uuid().toString(), "-machine", "q35");
        args.addAll(vm.accelerator().arguments());
        add(args, "-smp", Integer.toString(vm.cpus()), "-m", Integer.toString(vm.memoryMb()));
        add(args, "-device", "virtio-rng-pci", "-device", "pvpanic", "-action", "panic=exit-failure");
        firmware(args, vm.firmware());
        boot(args, vm.boot());
        for (int i = 0; i < vm.disks().size(); i++) {
            QemuVm.Drive d = vm.disks().get(i);
            disk(args, "disk" + i, d.file(), d.format(), false);
        }
        vm.seed().ifPresent(seed -> cdrom(args, "seed", seed, SEED_BUS, false));
        network(args, vm);
        console(args, vm);
        add(args, "-pidfile", vm.pidFile().toString());
        return List.copyOf(args);
    }

    private static void firmware(List<String> args, Firmware firmware) {
        firmware.code().ifPresent(code -> add(args,
                "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + escape(code)));
        firmware.vars().ifPresent(vars -> add(args, "-drive", "if=pflash,format=raw,unit=1,file=" + escape(vars)));
    }

    private static void boot(List<String> args, BootImage boot) {
        switch (boot.kind()) {
            case KERNEL_INITRD -> add(args, "-kernel", boot.file().toString(),
                    "-initrd", boot.initrd().orElseThrow().toString(), "-append", boot.cmdline().orElseThrow());
            case ISO -> cdrom(args, "cd0", boot.file(), BOOT_CD_BUS, true);
            default -> disk(args, "boot", boot.file(), boot.kind().qemuFormat(), true);
        }
    }

    private static void disk(List<String> args, String id, Path file, String format, boolean boots) {
        add(args, "-drive", "file=" + escape(file) + ",format=" + format + ",if=none,id=" + id,
                "-device", "virtio-blk-pci,drive=" + id + (boots ? ",bootindex=0" : ""));
    }

    /**
     * q35's AHCI controller has six ports, each a bus of one unit: a CD without a bus lands on ide.0 and a
     * second one fails ("Can't create IDE unit 1, bus supports only 1 units"), so each CD names its port.
     */
    private static void cdrom(List<String> args, String id, Path file, String bus, boolean boots) {
        add(args, "-drive", "file=" + escape(file) + ",format=raw,if=none,id=" + id + ",media=cdrom,readonly=on",
                "-device", "ide-cd,drive=" + id + ",bus=" + bus + (boots ? ",bootindex=0" : ""));
    }

    private static void network(List<String> args, QemuVm vm) {
        if (vm.network().isEmpty()) {
            add(args, "-nic", "none");
            return;
        }
        QemuVm.Network net = vm.network().get();
        StringBuilder user = new StringBuilder("user,id=net0");
        for (PortForward f : net.forwards()) {
            user.append(",hostfwd=").append(f.hostfwd());
        }
        add(args, "-netdev", user.toString(), "-device", "virtio-net-pci,netdev=net0,mac=" + net.mac());
    }

    private static void console(List<String> args, QemuVm vm) {
        String log = escape(vm.consoleLog());
        add(args, "-display", "none", "-monitor", "none", "-serial", "chardev:console");
        if (vm.detached()) {
            add(args, "-chardev", "file,id=console,path=" + log, "-daemonize");
        } else {
            add(args, "-chardev", "stdio,id=console,signal=on,logfile=" + log);
        }
    }

    private static void add(List<String> args, String... values) {
        args.addAll(List.of(values));
    }

    /** qemu reads {@code ,,} as a literal comma inside an option value. */
    static String escape(Path file) {
        return escape(file.toString());
    }

    static String escape(String value) {
        return value.replace(",", ",,");
    }
}
