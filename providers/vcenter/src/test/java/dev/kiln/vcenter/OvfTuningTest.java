package dev.kiln.vcenter;

import dev.kiln.api.BootMode;
import dev.kiln.api.KilnException;
import org.junit.jupiter.api.Test;

import java.util.OptionalInt;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OvfTuningTest {

    /** The shape of today's kiln OVF: other5x with vmx-13, no firmware. */
    private static final String KILN = """
            <VirtualSystem ovf:id="x">
                <OperatingSystemSection ovf:id="101" vmw:osType="other5xLinux64Guest">
                </OperatingSystemSection>
                <VirtualHardwareSection>
                  <System>
                    <vssd:VirtualSystemType>vmx-13</vssd:VirtualSystemType>
                  </System>
                </VirtualHardwareSection>
            </VirtualSystem>
            """;

    @Test
    void theGuestTypeBecomesOneTheDeclaredHardwareVersionKnows() {
        String out = OvfTuning.tune(KILN, Set.of(BootMode.BIOS, BootMode.UEFI), OptionalInt.empty());

        assertThat(out).contains("vmw:osType=\"other3xLinux64Guest\"").contains("vmx-13")
                .contains("<vmw:Config ovf:required=\"false\" vmw:key=\"firmware\" vmw:value=\"efi\"/>");
    }

    @Test
    void hwVersionChoosesTheHardwareAndTheNewestGuestForIt() {
        assertThat(OvfTuning.tune(KILN, Set.of(BootMode.BIOS), OptionalInt.of(19)))
                .contains("vmx-19").doesNotContain("vmx-13").contains("other5xLinux64Guest")
                .contains("vmw:value=\"bios\"");
        assertThat(OvfTuning.tune(KILN, Set.of(BootMode.UEFI), OptionalInt.of(14))).contains("other4xLinux64Guest");
        assertThatThrownBy(() -> OvfTuning.tune(KILN, Set.of(BootMode.UEFI), OptionalInt.of(3)))
                .isInstanceOf(KilnException.class).hasMessageContaining("--hw-version");
    }

    @Test
    void aFirmwareEntryIsReplacedNotDuplicatedAndOwnGuestTypesAreKept() {
        String once = OvfTuning.tune(KILN.replace("other5xLinux64Guest", "ubuntu64Guest"), Set.of(BootMode.UEFI),
                OptionalInt.empty());
        String twice = OvfTuning.tune(once, Set.of(BootMode.BIOS), OptionalInt.empty());

        assertThat(twice).contains("ubuntu64Guest").contains("vmw:value=\"bios\"").doesNotContain("vmw:value=\"efi\"");
        assertThat(twice.split("vmw:key=\"firmware\"", -1)).hasSize(2);
    }
}
