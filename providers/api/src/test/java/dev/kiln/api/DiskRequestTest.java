package dev.kiln.api;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DiskRequestTest {

    private static final Set<String> CLOUD = Set.of("size", "type", "iops", "device");

    @Test
    void readsTheSharedGrammar() {
        DiskRequest d = DiskRequest.parse("size=20G,type=gp3,iops=3000,device=/dev/sdf", CLOUD, true);

        assertThat(d.size()).contains(20L << 30);
        assertThat(d.sizeGiB()).contains(20);
        assertThat(d.type()).contains("gp3");
        assertThat(d.iops()).contains(3000);
        assertThat(d.device()).contains("/dev/sdf");
        assertThat(d.name()).isEmpty();
    }

    @Test
    void sizesTakeTheUsualSuffixesAndABareNumberIsGiB() {
        assertThat(DiskRequest.parse("size=512M", CLOUD, true).size()).contains(512L << 20);
        assertThat(DiskRequest.parse("size=1TiB", CLOUD, true).size()).contains(1L << 40);
        assertThat(DiskRequest.parse("size=10", CLOUD, true).size()).contains(10L << 30);
        assertThat(DiskRequest.parse("size=10GB", CLOUD, true).size()).contains(10L << 30);
        assertThat(DiskRequest.parse("size=1500M", CLOUD, true).sizeGiB()).contains(2);
    }

    @Test
    void anUnsupportedKeyNamesTheSupportedOnes() {
        assertThatThrownBy(() -> DiskRequest.parse("size=1G,throughput=125", CLOUD, true))
                .isInstanceOf(KilnException.class)
                .hasMessage("--disk size=1G,throughput=125: this provider does not take 'throughput'; this provider "
                        + "takes device, iops, size, type (e.g. --disk size=10G,type=...)")
                .matches(e -> ((KilnException) e).isUsage());
    }

    @Test
    void badValuesAreUsageErrors() {
        assertThatThrownBy(() -> DiskRequest.parse("type=gp3", CLOUD, true)).hasMessageContaining("size= is required");
        assertThatThrownBy(() -> DiskRequest.parse("size=lots", CLOUD, true))
                .hasMessageContaining("size= in --disk size=lots takes a size such as 10G, 10GiB, 512M or 20 (GiB)");
        assertThatThrownBy(() -> DiskRequest.parse("size=1G,iops=-3", CLOUD, true)).hasMessageContaining("iops");
        assertThatThrownBy(() -> DiskRequest.parse("size=1G,size=2G", CLOUD, true)).hasMessageContaining("twice");
        assertThatThrownBy(() -> DiskRequest.parse("/tmp/a.img", CLOUD, true)).hasMessageContaining("not key=value");
    }

    @Test
    void aBarePathIsTheFileOfAProviderThatTakesFiles() {
        DiskRequest d = DiskRequest.parse("/tmp/data.qcow2,size=2G", Set.of("file", "size", "format"), false);

        assertThat(d.file()).contains("/tmp/data.qcow2");
        assertThat(d.size()).contains(2L << 30);
        assertThat(DiskRequest.parse("file=a.img", Set.of("file", "size"), false).size()).isEmpty();
    }

    @Test
    void userdataOverTheLimitIsRefusedWithTheRule() {
        UserdataLimit limit = new UserdataLimit(16384, "EC2 takes at most 16 KiB before base64");

        assertThatThrownBy(() -> limit.check(Userdata.of(new byte[16385], "--userdata-file app.json"), "aws"))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("--userdata-file app.json is 16385 bytes; aws takes at most 16384 (EC2 takes");
        limit.check(Userdata.of(new byte[16384], "--userdata"), "aws");
        assertThat(Userdata.ofText("s3cr3t", "--userdata").toString()).doesNotContain("s3cr3t");
    }
}
