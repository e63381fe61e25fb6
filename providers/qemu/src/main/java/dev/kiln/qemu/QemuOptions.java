package dev.kiln.qemu;

import dev.kiln.spi.OptionSpec;

import java.util.List;

/**
 * The flags of {@code kiln run qemu} that are qemu's own, declared as data. Names follow LinuxKit's
 * {@code run qemu} where it has one ({@code --cpus --mem --publish --networking --accel --uefi --state});
 * env fallbacks exist for what differs per machine rather than per run. The CLI's shared flags carry the
 * rest: {@code --disk [file=]PATH[,size=S][,format=F]}, {@code --userdata} (LinuxKit's {@code --data}) on
 * the cidata CD, {@code --wait stopped|running} (running is LinuxKit's {@code -detached}), {@code --timeout},
 * {@code --rm} and {@code --keep}.
 */
final class QemuOptions {

    static final String CPUS = "cpus";
    static final String MEM = "mem";
    static final String PUBLISH = "publish";
    static final String NETWORKING = "networking";
    static final String ACCEL = "accel";
    static final String UEFI = "uefi";
    static final String BIOS = "bios";
    static final String OVMF_CODE = "ovmf-code";
    static final String OVMF_VARS = "ovmf-vars";
    static final String QEMU = "qemu";
    static final String QEMU_IMG = "qemu-img";
    static final String STATE = "state";
    static final String INTERACTIVE = "interactive";
    static final String DIR = "dir";

    static final List<OptionSpec> ALL = List.of(
            OptionSpec.integer(CPUS, "N", "Virtual CPUs of the VM.").defaultValue("1"),
            OptionSpec.size(MEM, "SIZE", "Memory of the VM, such as 2G or 512M (a bare number is MiB).")
                    .defaultValue("1024M"),
            OptionSpec.string(PUBLISH, "[IP:]HOST:GUEST[/tcp|udp]", "Forward a host port to a guest port on user "
                    + "networking, like docker -p; listens on every host address unless IP is given.").asRepeatable(),
            OptionSpec.string(NETWORKING, "user|none", "user gives the guest NAT and DHCP through qemu (10.0.2.15); "
                    + "none gives it no network card.").defaultValue("user"),
            OptionSpec.string(ACCEL, "auto|kvm|tcg", "CPU acceleration. auto takes KVM only where it can run a "
                    + "stock kernel (hardware virtualisation and kvm_intel or kvm_amd loaded), else TCG emulation.")
                    .env("KILN_QEMU_ACCEL").defaultValue("auto"),
            OptionSpec.flag(UEFI, "Boot with UEFI firmware (OVMF), whatever the image's layout suggests."),
            OptionSpec.flag(BIOS, "Boot with BIOS firmware (SeaBIOS), whatever the image's layout suggests."),
            OptionSpec.path(OVMF_CODE, "FILE", "OVMF firmware code used for UEFI boots (Debian package ovmf).")
                    .env("KILN_OVMF_CODE").defaultValue(Firmware.DEFAULT_CODE.toString()),
            OptionSpec.path(OVMF_VARS, "FILE", "UEFI variable store template; each VM gets a private copy in its "
                    + "state directory.").env("KILN_OVMF_VARS").defaultValue(Firmware.DEFAULT_VARS.toString()),
            OptionSpec.path(QEMU, "BINARY", "The qemu system emulator to run.").env("KILN_QEMU")
                    .defaultValue("qemu-system-x86_64"),
            OptionSpec.path(QEMU_IMG, "BINARY", "The qemu-img used to create disks and read disk images.")
                    .env("KILN_QEMU_IMG").defaultValue("qemu-img"),
            OptionSpec.path(STATE, "DIR", "Where the VM keeps its disks, seed CD, UEFI variables, MAC address, "
                    + "pid file and console log (default: IMAGE-state beside the image). With --wait running the "
                    + "console goes to STATE/console.log; stop the VM with kill $(cat STATE/qemu.pid)."),
            OptionSpec.string(INTERACTIVE, "auto|yes|no", "Put the guest's serial console on this terminal, "
                    + "keyboard included; auto does when kiln runs on a terminal and waits in the foreground. "
                    + "Otherwise console lines are reported as log lines.").defaultValue("auto"));

    /** {@code kiln ls qemu} and {@code kiln rm qemu}: where the state directories are. */
    static final List<OptionSpec> INVENTORY = List.of(
            OptionSpec.path(DIR, "DIR", "Where to look for VMs: DIR itself and the folders right in it that hold "
                    + "the kiln-run.properties a run leaves in its state directory (run's default state directory "
                    + "is IMAGE-state beside the image).").env("KILN_QEMU_DIRS").defaultValue(".").asRepeatable());

    private QemuOptions() {
    }
}
