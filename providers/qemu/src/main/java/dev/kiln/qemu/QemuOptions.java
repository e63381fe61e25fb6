package dev.kiln.qemu;

import dev.kiln.spi.OptionSpec;

import java.util.List;

/**
 * The flags of {@code kiln run qemu}, declared as data. Names follow LinuxKit's {@code run qemu}
 * where it has one ({@code --cpus --mem --disk --data --data-file --publish --networking --accel
 * --uefi --state}); env fallbacks exist for what differs per machine rather than per run.
 */
final class QemuOptions {

    static final String CPUS = "cpus";
    static final String MEM = "mem";
    static final String DISK = "disk";
    static final String DATA = "data";
    static final String DATA_FILE = "data-file";
    static final String USERDATA = "userdata";
    static final String USERDATA_FILE = "userdata-file";
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
    static final String DETACH = "detach";
    static final String TIMEOUT = "timeout";
    static final String RM = "rm";
    static final String INTERACTIVE = "interactive";

    static final List<OptionSpec> ALL = List.of(
            OptionSpec.integer(CPUS, "N", "Virtual CPUs of the VM.").defaultValue("1"),
            OptionSpec.integer(MEM, "MB", "Memory of the VM in MiB.").defaultValue("1024"),
            OptionSpec.keyValues(DISK, "[file=]PATH[,size=S][,format=F]",
                    "Attach a disk, created with qemu-img when PATH does not exist. Size without a suffix is GB, "
                            + "with M it is MB (as LinuxKit); new disks are qcow2 unless format= says raw, vmdk, "
                            + "vpc or vhdx; PATH defaults to STATE/disk.img, STATE/disk1.img ...").asRepeatable(),
            OptionSpec.string(DATA, "TEXT", "Userdata for the guest, on a NoCloud seed CD labelled cidata "
                    + "(user-data, meta-data and LinuxKit's config), which LinuxKit's metadata package and "
                    + "cloud-init read.").asSecret(),
            OptionSpec.path(DATA_FILE, "FILE", "Like --data, with the userdata read from FILE."),
            OptionSpec.string(USERDATA, "TEXT", "Same as --data, under the name kiln's cloud providers use.")
                    .asSecret(),
            OptionSpec.path(USERDATA_FILE, "FILE", "Same as --data-file, under the name kiln's cloud providers use."),
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
                    + "pid file and console log (default: IMAGE-state beside the image)."),
            OptionSpec.flag(DETACH, "Start the VM in the background and return at once; the console goes to "
                    + "STATE/console.log; stop it with kill $(cat STATE/qemu.pid)."),
            OptionSpec.duration(TIMEOUT, "DURATION", "Stop the VM and fail if the guest has not powered off "
                    + "within DURATION (e.g. 90s, 5m)."),
            OptionSpec.flag(RM, "When the guest stops, remove what this run created (new disks, seed CD, UEFI "
                    + "variables); the console log stays."),
            OptionSpec.string(INTERACTIVE, "auto|yes|no", "Put the guest's serial console on this terminal, "
                    + "keyboard included; auto does when kiln runs on a terminal. Otherwise console lines are "
                    + "reported as log lines.").defaultValue("auto"));

    private QemuOptions() {
    }
}
