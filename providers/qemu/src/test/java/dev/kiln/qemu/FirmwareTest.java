package dev.kiln.qemu;

import dev.kiln.api.BootMode;
import dev.kiln.api.KilnException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FirmwareTest {

    @TempDir
    Path tmp;

    @Test
    void picksUefiOnlyForImagesThatBootNoOtherWay() {
        assertThat(Firmware.choose(ImageKind.RAW, Set.of(BootMode.UEFI), Optional.empty()).mode())
                .isEqualTo(BootMode.UEFI);
        assertThat(Firmware.choose(ImageKind.RAW, Set.of(BootMode.BIOS), Optional.empty()).mode())
                .isEqualTo(BootMode.BIOS);
        assertThat(Firmware.choose(ImageKind.RAW, Set.of(), Optional.empty()).mode()).isEqualTo(BootMode.BIOS);
    }

    @Test
    void prefersBiosForHybridsAndKernelsAndSaysSo() {
        Firmware.Choice hybrid = Firmware.choose(ImageKind.QCOW2, Set.of(BootMode.BIOS, BootMode.UEFI),
                Optional.empty());
        Firmware.Choice kernel = Firmware.choose(ImageKind.KERNEL_INITRD, Set.of(), Optional.empty());

        assertThat(hybrid.mode()).isEqualTo(BootMode.BIOS);
        assertThat(hybrid.reason()).contains("BIOS and UEFI").contains("--uefi");
        assertThat(kernel.mode()).isEqualTo(BootMode.BIOS);
    }

    @Test
    void aForcedModeWins() {
        assertThat(Firmware.choose(ImageKind.RAW, Set.of(BootMode.BIOS), Optional.of(BootMode.UEFI)).mode())
                .isEqualTo(BootMode.UEFI);
        assertThat(Firmware.choose(ImageKind.RAW, Set.of(BootMode.UEFI), Optional.of(BootMode.BIOS)).mode())
                .isEqualTo(BootMode.BIOS);
    }

    @Test
    void copiesTheVarsTemplateOnceAndKeepsWhatTheVmWroteSince() throws Exception {
        Path template = Files.write(tmp.resolve("VARS.fd"), new byte[4096]);
        Path code = Files.write(tmp.resolve("CODE.fd"), new byte[8192]);
        Path vars = tmp.resolve("state/efi-vars.fd");
        Files.createDirectories(vars.getParent());
        Firmware uefi = Firmware.uefi(code, template, vars);

        assertThat(uefi.prepareVars()).isTrue();
        byte[] written = new byte[4096];
        written[0] = 42;
        Files.write(vars, written);
        assertThat(uefi.prepareVars()).isFalse();
        assertThat(Files.readAllBytes(vars)[0]).isEqualTo((byte) 42);
        assertThat(Files.readAllBytes(template)[0]).isZero();
    }

    @Test
    void replacesAStoreSizedForAnotherOvmfBuild() throws Exception {
        Path template = Files.write(tmp.resolve("VARS_4M.fd"), new byte[4096]);
        Path vars = Files.write(tmp.resolve("efi-vars.fd"), new byte[128]);

        assertThat(Firmware.uefi(template, template, vars).prepareVars()).isTrue();
        assertThat(vars).hasSize(4096);
    }

    @Test
    void namesThePackageWhenOvmfIsMissing() {
        assertThatThrownBy(() -> Firmware.uefi(tmp.resolve("none.fd"), tmp.resolve("none.fd"), tmp.resolve("v.fd")))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("apt-get install ovmf").hasMessageContaining("--ovmf-code");
    }
}
