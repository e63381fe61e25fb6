package dev.kiln.qemu;

import dev.kiln.api.KilnException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class AcceleratorTest {

    @TempDir
    Path host;

    /** Lays out a host: /dev/kvm, the cpuinfo flags line and the loaded kvm modules. */
    private Path host(boolean devKvm, String flags, String... modules) throws IOException {
        Files.createDirectories(host.resolve("dev"));
        Files.createDirectories(host.resolve("proc"));
        if (devKvm) {
            Files.createFile(host.resolve("dev/kvm"));
        }
        Files.writeString(host.resolve("proc/cpuinfo"), "processor\t: 0\nflags\t\t: " + flags + "\n");
        for (String m : modules) {
            Files.createDirectories(host.resolve("sys/module").resolve(m));
        }
        return host;
    }

    @Test
    void autoTakesKvmWithHardwareVirtualisationAndKvmIntel() throws IOException {
        Accelerator.Choice choice = Accelerator.choose("auto", host(true, "fpu sse2 vmx ept", "kvm", "kvm_intel"));

        assertThat(choice.accelerator()).isEqualTo(Accelerator.KVM);
    }

    @Test
    void autoFallsBackToTcgOnPvmWhereDevKvmExistsButTheCpuHasNoVmx() throws IOException {
        Accelerator.Choice choice = Accelerator.choose("auto", host(true, "fpu sse2 hypervisor", "kvm", "kvm_pvm"));

        assertThat(choice.accelerator()).isEqualTo(Accelerator.TCG);
        assertThat(choice.reason()).contains("no vmx/svm").contains("kvm_pvm");
    }

    @Test
    void autoFallsBackToTcgWithoutDevKvmOrWithoutTheVendorModule() throws IOException {
        assertThat(Accelerator.choose("auto", host(false, "vmx")).reason()).contains("/dev/kvm does not exist");
        assertThat(Accelerator.choose("auto", host(true, "svm", "kvm")).accelerator()).isEqualTo(Accelerator.TCG);
    }

    @Test
    void anExplicitChoiceWinsButSaysWhyKvmMayHang() throws IOException {
        Path pvm = host(true, "fpu", "kvm_pvm");

        assertThat(Accelerator.choose("tcg", pvm).accelerator()).isEqualTo(Accelerator.TCG);
        Accelerator.Choice kvm = Accelerator.choose("KVM", pvm);
        assertThat(kvm.accelerator()).isEqualTo(Accelerator.KVM);
        assertThat(kvm.reason()).contains("although").contains("no vmx/svm");
        assertThatThrownBy(() -> Accelerator.choose("hvf", pvm)).isInstanceOf(KilnException.class)
                .hasMessageContaining("auto, kvm or tcg");
    }

    @Test
    void autoFallsBackToTcgOnThisMachineWhoseKvmHangsGuests() throws IOException {
        String flags = Files.readString(Path.of("/proc/cpuinfo"));
        assumeTrue(Files.exists(Path.of("/dev/kvm")) && !flags.matches("(?s).*\\b(vmx|svm)\\b.*"),
                "this host has working KVM or none at all");

        assertThat(Accelerator.choose("auto", Path.of("/")).accelerator()).isEqualTo(Accelerator.TCG);
    }
}
