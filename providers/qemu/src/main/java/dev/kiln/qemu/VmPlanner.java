package dev.kiln.qemu;

import dev.kiln.api.BootMode;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.api.Userdata;
import dev.kiln.spi.ProviderContext;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Turns the settings and the image into a {@link QemuVm}, making what the VM needs on the way:
 * missing disks, the seed CD, the private UEFI variable store. Everything made is recorded in
 * {@link RunFiles}; a dry run decides the same things and makes nothing.
 */
final class VmPlanner {

    private final QemuSettings settings;
    private final ProviderContext context;
    private final Events events;
    private final Path host;
    private final Path workDir;
    private final boolean dryRun;
    private final QemuImg qemuImg;

    /**
     * @param host    the root the KVM checks read ({@code /})
     */
    VmPlanner(QemuSettings settings, ProviderContext context, Path host, boolean dryRun) {
        this.settings = settings;
        this.context = context;
        this.events = context.events();
        this.host = host;
        this.workDir = context.workDir();
        this.dryRun = dryRun;
        this.qemuImg = new QemuImg(settings.qemuImg(), new ProcessWait(context));
    }

    QemuVm plan(String name, BootImage image, StateDir state, RunFiles made) throws InterruptedException {
        state.create();
        Accelerator.Choice accel = Accelerator.choose(settings.accel(), host);
        events.info("accelerator " + accel.accelerator().id() + ": " + accel.reason());
        List<PlannedDisk> planned = planDisks(state);
        Firmware firmware = firmware(image, state, made);
        List<QemuVm.Drive> disks = makeDisks(planned, made);
        Optional<Path> seed = seed(name, state, made);
        Optional<QemuVm.Network> network = settings.userNetworking()
                ? Optional.of(new QemuVm.Network(state.mac(), settings.publish())) : Optional.empty();
        return new QemuVm(settings.qemu(), name, state.uuid(), accel.accelerator(), settings.cpus(),
                settings.memoryMb(), firmware, image, disks, seed, network, state.consoleLog(), state.pidFile(),
                settings.detach());
    }

    private Firmware firmware(BootImage image, StateDir state, RunFiles made) throws InterruptedException {
        Set<BootMode> capable = settings.firmware().isPresent() || image.kind() == ImageKind.KERNEL_INITRD
                ? Set.of() : bootModes(image);
        Firmware.Choice choice = Firmware.choose(image.kind(), capable, settings.firmware());
        events.info("firmware " + (choice.mode() == BootMode.UEFI ? "OVMF (UEFI)" : "SeaBIOS (BIOS)") + ": "
                + choice.reason());
        if (choice.mode() == BootMode.BIOS) {
            return Firmware.bios();
        }
        Firmware uefi = Firmware.uefi(settings.ovmfCode(), settings.ovmfVars(), state.efiVars());
        if (!dryRun && uefi.prepareVars()) {
            made.add("efi-vars", state.efiVars());
        }
        return uefi;
    }

    /** What firmware the image can boot with, from its first sectors (via qemu-img for container formats). */
    private Set<BootMode> bootModes(BootImage image) throws InterruptedException {
        Path raw = image.file();
        if (image.kind().isContainer()) {
            raw = workDir.resolve("head.raw");
            qemuImg.readHead(image.file(), image.kind().qemuFormat(), BootSectors.DISK_HEAD, raw);
        }
        try (FileChannel ch = FileChannel.open(raw, StandardOpenOption.READ)) {
            Set<BootMode> modes = EnumSet.noneOf(BootMode.class);
            modes.addAll(image.kind() == ImageKind.ISO ? BootSectors.ofCd(ch) : BootSectors.ofDisk(ch));
            return modes;
        } catch (IOException e) {
            throw KilnException.tried("read the boot sectors of " + image.file(), KilnException.reason(e),
                    "check the file is readable, or pass --uefi or --bios");
        }
    }

    /** A disk to attach, and its size in MiB when it has to be made first. */
    private record PlannedDisk(QemuVm.Drive drive, OptionalLong createMb) {
    }

    /** Decides every disk before any is made, so a mistake in the last one costs nothing. */
    private List<PlannedDisk> planDisks(StateDir state) {
        List<PlannedDisk> planned = new ArrayList<>();
        for (int i = 0; i < settings.disks().size(); i++) {
            DiskSpec spec = settings.disks().get(i);
            Path file = spec.pathIn(state.root(), i).toAbsolutePath();
            if (Files.exists(file)) {
                String format = spec.format().orElseGet(() -> ImageKind.sniff(file).qemuFormat());
                planned.add(new PlannedDisk(new QemuVm.Drive(file, format), OptionalLong.empty()));
                continue;
            }
            long sizeMb = spec.sizeMb().orElseThrow(() -> KilnException.usage("--disk " + file
                    + " does not exist; give its size to create it, e.g. --disk file=" + file + ",size=10G"));
            planned.add(new PlannedDisk(new QemuVm.Drive(file, spec.format().orElse("qcow2")),
                    OptionalLong.of(sizeMb)));
        }
        return planned;
    }

    private List<QemuVm.Drive> makeDisks(List<PlannedDisk> planned, RunFiles made) throws InterruptedException {
        for (PlannedDisk p : planned) {
            QemuVm.Drive d = p.drive();
            if (p.createMb().isEmpty()) {
                events.info("disk " + d.file() + " (" + d.format() + ", existing)");
                continue;
            }
            events.info("disk " + d.file() + " (" + d.format() + ", " + p.createMb().getAsLong() + " MiB, new)");
            if (!dryRun) {
                made.add("disk", d.file());
                qemuImg.create(d.file(), d.format(), p.createMb().getAsLong());
            }
        }
        return planned.stream().map(PlannedDisk::drive).toList();
    }

    private Optional<Path> seed(String name, StateDir state, RunFiles made) {
        if (settings.userData().isEmpty()) {
            return Optional.empty();
        }
        Userdata data = settings.userData().get();
        events.info("userdata from " + data.origin() + " (" + data.size() + " bytes) on the cidata CD "
                + state.seedIso());
        if (!dryRun) {
            SeedDisk.write(context.conversions(), state.seedIso(), data.bytes(), state.uuid(), name);
            made.add("seed-iso", state.seedIso());
        }
        return Optional.of(state.seedIso());
    }
}
