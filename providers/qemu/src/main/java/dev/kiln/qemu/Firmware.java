package dev.kiln.qemu;

import dev.kiln.api.BootMode;
import dev.kiln.api.KilnException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * The firmware a VM starts with: SeaBIOS (qemu's default, nothing to pass) or OVMF as two pflash
 * drives, the read-only code and a private, writable copy of the variable store, one per VM,
 * because OVMF writes boot entries into it and two VMs must not share one.
 *
 * <p>The choice: {@code --uefi}/{@code --bios} win; a kernel+initrd boots with BIOS; an image
 * that only UEFI can start (an ESP and no BIOS boot code, or an EFI-only El Torito catalog) gets
 * OVMF; everything else, hybrids included, gets BIOS. BIOS is preferred for hybrids because under
 * TCG SeaBIOS reaches the kernel in about half the time OVMF takes (boot-recipes, 5-7 s against
 * 9-11 s) and it needs no variable store; {@code --uefi} tests the other path.
 *
 * @param mode         the firmware kind
 * @param code         OVMF's code, for UEFI
 * @param varsTemplate the variable store a new VM starts from, for UEFI
 * @param vars         the VM's own variable store, for UEFI
 */
record Firmware(BootMode mode, Optional<Path> code, Optional<Path> varsTemplate, Optional<Path> vars) {

    static final Path DEFAULT_CODE = Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd");
    static final Path DEFAULT_VARS = Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd");

    static Firmware bios() {
        return new Firmware(BootMode.BIOS, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The mode to boot {@code image}, and why, for the log. */
    static Choice choose(ImageKind kind, Set<BootMode> capable, Optional<BootMode> forced) {
        if (forced.isPresent()) {
            return new Choice(forced.get(), "--" + forced.get().id() + " was given");
        }
        if (kind == ImageKind.KERNEL_INITRD) {
            return new Choice(BootMode.BIOS, "a kernel+initrd boots fastest with SeaBIOS; --uefi uses OVMF");
        }
        if (capable.equals(Set.of(BootMode.UEFI))) {
            return new Choice(BootMode.UEFI, "the image can only boot with UEFI (EFI System Partition or EFI "
                    + "El Torito entry, no BIOS boot code)");
        }
        if (capable.contains(BootMode.BIOS)) {
            return new Choice(BootMode.BIOS, capable.size() > 1
                    ? "the image boots with BIOS and UEFI; BIOS is quicker here, --uefi uses OVMF"
                    : "the image has BIOS boot code");
        }
        return new Choice(BootMode.BIOS, "no BIOS boot code or EFI System Partition found; trying SeaBIOS, "
                + "--uefi uses OVMF");
    }

    /** A mode and the reason it was picked. */
    record Choice(BootMode mode, String reason) {
    }

    /** OVMF, with the VM's variable store at {@code vars} made from {@code template} by {@link #prepareVars}. */
    static Firmware uefi(Path code, Path template, Path vars) {
        requireFile(code, "OVMF firmware code", "--ovmf-code or $KILN_OVMF_CODE");
        requireFile(template, "OVMF variable store template", "--ovmf-vars or $KILN_OVMF_VARS");
        return new Firmware(BootMode.UEFI, Optional.of(code.toAbsolutePath()), Optional.of(template),
                Optional.of(vars));
    }

    /**
     * Copies the template to the VM's variable store when it has none yet, or one sized for another
     * OVMF build (code and vars must come from the same build). True when a copy was made.
     */
    boolean prepareVars() {
        if (mode != BootMode.UEFI) {
            return false;
        }
        Path template = varsTemplate.orElseThrow();
        Path vars = this.vars.orElseThrow();
        try {
            if (Files.isRegularFile(vars) && Files.size(vars) == Files.size(template)) {
                return false;
            }
            Files.copy(template, vars, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (IOException e) {
            throw KilnException.tried("copy the UEFI variable store " + template + " to " + vars, KilnException.reason(e),
                    "check the state directory is writable");
        }
    }

    private static void requireFile(Path file, String what, String flag) {
        if (!Files.isRegularFile(file)) {
            throw KilnException.tried("boot with UEFI", "the " + what + " " + file + " does not exist",
                    "install Debian's ovmf package (apt-get install ovmf) or point " + flag + " at it");
        }
    }
}
