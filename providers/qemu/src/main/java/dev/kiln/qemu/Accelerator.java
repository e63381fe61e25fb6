package dev.kiln.qemu;

import dev.kiln.api.KilnException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How qemu runs guest code: KVM or TCG emulation.
 *
 * <p>{@code auto} does not trust the mere presence of {@code /dev/kvm}: on some cloud hosts it
 * belongs to PVM ({@code kvm_pvm}, KVM without hardware virtualisation), where a stock kernel hangs
 * at boot. A guest-boot probe would cost seconds and still not prove a kernel boots, so auto reads
 * the host instead and takes KVM only when all hold: {@code /dev/kvm} can be opened read-write,
 * the CPU flags in {@code /proc/cpuinfo} include {@code vmx} or {@code svm}, and {@code kvm_intel}
 * or {@code kvm_amd} is loaded ({@code /sys/module}). Otherwise it says why and uses TCG.
 */
enum Accelerator {
    KVM("kvm"),
    TCG("tcg");

    private static final Pattern HARDWARE_VIRT = Pattern.compile("\\b(vmx|svm)\\b");

    private final String id;

    Accelerator(String id) {
        this.id = id;
    }

    String id() {
        return id;
    }

    /** qemu's arguments for this accelerator; KVM passes the host CPU through as LinuxKit does. */
    List<String> arguments() {
        return this == KVM ? List.of("-accel", "kvm", "-cpu", "host") : List.of("-accel", "tcg");
    }

    /** A decision and the reason, for the log. */
    record Choice(Accelerator accelerator, String reason) {
    }

    /**
     * Resolves {@code --accel}. {@code host} is the file system root the checks read ({@code /}
     * on a real run; tests pass a directory laid out like one).
     */
    static Choice choose(String requested, Path host) {
        String value = requested.toLowerCase(Locale.ROOT);
        Optional<String> unusable = kvmUnusable(host);
        return switch (value) {
            case "tcg" -> new Choice(TCG, "--accel tcg was given");
            case "kvm" -> new Choice(KVM, unusable.map(r -> "--accel kvm was given although " + r)
                    .orElse("--accel kvm was given"));
            case "auto" -> unusable.map(r -> new Choice(TCG, r + ", so TCG emulation is used"))
                    .orElseGet(() -> new Choice(KVM, "KVM has hardware virtualisation here"));
            default -> throw KilnException.usage("--accel must be auto, kvm or tcg, not '" + requested + "'");
        };
    }

    /** Why KVM cannot run a stock kernel on this host, or empty when it can. */
    static Optional<String> kvmUnusable(Path host) {
        Path dev = host.resolve("dev/kvm");
        if (!Files.exists(dev)) {
            return Optional.of("/dev/kvm does not exist");
        }
        if (!Files.isReadable(dev) || !Files.isWritable(dev)) {
            return Optional.of("/dev/kvm is not read-write for this user (join the kvm group)");
        }
        if (!HARDWARE_VIRT.matcher(cpuFlags(host)).find()) {
            String pvm = Files.isDirectory(host.resolve("sys/module/kvm_pvm")) ? " (it is PVM, kvm_pvm)" : "";
            return Optional.of("the CPU has no vmx/svm flag, so /dev/kvm" + pvm
                    + " cannot boot a stock kernel");
        }
        if (!Files.isDirectory(host.resolve("sys/module/kvm_intel"))
                && !Files.isDirectory(host.resolve("sys/module/kvm_amd"))) {
            return Optional.of("neither kvm_intel nor kvm_amd is loaded");
        }
        return Optional.empty();
    }

    private static String cpuFlags(Path host) {
        try {
            return Files.readAllLines(host.resolve("proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("flags")).findFirst().orElse("");
        } catch (IOException e) {
            return "";
        }
    }
}
