package dev.kiln.azure;

import dev.kiln.api.KilnException;
import dev.kiln.api.Lifecycle;
import dev.kiln.spi.Options;
import dev.kiln.spi.RunChecks;
import dev.kiln.spi.RunRequest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What run azure plans from its flags, and what it refuses before any call. */
class VmPlanTest {

    static Options options(Map<String, List<String>> flags) {
        return Options.resolve(AzureOptions.run(), flags, Map.of());
    }

    static RunRequest request(String name, String... disks) {
        return RunRequest.of("img", name, false)
                .withDisks(RunChecks.disks(List.of(disks), new AzureProviderFactory().runSupport(), "azure"));
    }

    @Test
    void namesOfWhatIsMadeDeriveFromTheVmsAndDisksGetLunsInOrder() {
        VmPlan plan = VmPlan.of(options(Map.of()), request("hello world.v2", "size=512M", "size=2,type=premium_lrs,name=db"));

        assertThat(plan.vm()).isEqualTo("hello-world.v2");
        assertThat(plan.computerName()).isEqualTo("hello-world-v2");
        assertThat(plan.nic()).isEqualTo("hello-world.v2-nic");
        assertThat(plan.disks()).containsExactly(
                new VmPlan.DataDiskSpec(0, "hello-world.v2-data0", 1, "StandardSSD_LRS"),
                new VmPlan.DataDiskSpec(1, "db", 2, "Premium_LRS"));
        assertThat(plan.tags()).containsEntry("kiln:run", "hello-world.v2").containsEntry("kiln:name", "hello world.v2");
        assertThat(plan.waitFor()).isEqualTo(Lifecycle.Wait.RUNNING);
    }

    @Test
    void nvmeIsChosenForV6SizesOnlyUnlessAsked() {
        assertThat(VmPlan.of(options(Map.of("size", List.of("Standard_D2s_v6"))), request("a")).controller())
                .contains("NVMe");
        assertThat(VmPlan.of(options(Map.of("size", List.of("Standard_D2s_v5"))), request("a")).controller()).isEmpty();
        assertThat(VmPlan.of(options(Map.of("disk-controller", List.of("scsi"))), request("a")).controller())
                .contains("SCSI");
    }

    @Test
    void wrongValuesAreUsageErrorsThatSayWhatIsTaken() {
        assertThatThrownBy(() -> VmPlan.of(options(Map.of()), request("a", "size=1G,type=gp3")))
                .isInstanceOf(KilnException.class).hasMessageContaining("gp3").hasMessageContaining("Premium_LRS");
        assertThatThrownBy(() -> VmPlan.of(options(Map.of("allow", List.of("ssh"))), request("a")))
                .hasMessageContaining("--allow takes a TCP port");
        assertThatThrownBy(() -> VmPlan.of(options(Map.of()), request("---")))
                .hasMessageContaining("--name");
        assertThatThrownBy(() -> VmPlan.of(options(Map.of()), request("a").withLifecycle(
                new Lifecycle(Optional.of(Lifecycle.Wait.NONE), true, false, Optional.empty()))))
                .isInstanceOfSatisfying(KilnException.class, e -> assertThat(e.isUsage()).isTrue())
                .hasMessageContaining("--rm with --wait none");
    }
}
