package dev.kiln.qemu;

import dev.kiln.api.KilnException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DiskSpecTest {

    @Test
    void readsLinuxKitsFormWithAndWithoutFileKey() {
        assertThat(DiskSpec.parse("file=data.qcow2,size=10G,format=qcow2"))
                .isEqualTo(new DiskSpec(Optional.of(Path.of("data.qcow2")), OptionalLong.of(10240),
                        Optional.of("qcow2")));
        assertThat(DiskSpec.parse("data.img"))
                .isEqualTo(new DiskSpec(Optional.of(Path.of("data.img")), OptionalLong.empty(), Optional.empty()));
        assertThat(DiskSpec.parse("size=1")).isEqualTo(new DiskSpec(Optional.empty(), OptionalLong.of(1024),
                Optional.empty()));
    }

    @Test
    void sizeWithoutSuffixIsGigabytesAndMIsMegabytes() {
        assertThat(DiskSpec.parse("size=4").sizeMb()).hasValue(4096);
        assertThat(DiskSpec.parse("size=4G").sizeMb()).hasValue(4096);
        assertThat(DiskSpec.parse("size=4g").sizeMb()).hasValue(4096);
        assertThat(DiskSpec.parse("size=512M").sizeMb()).hasValue(512);
    }

    @Test
    void sizesBelowAMebibyteRoundUpAndTerabytesAreTaken() {
        assertThat(DiskSpec.parse("size=512K").sizeMb()).hasValue(1);
        assertThat(DiskSpec.parse("size=2T").sizeMb()).hasValue(2L << 20);
    }

    @Test
    void acceptsVhdAsTheNameForQemusVpc() {
        assertThat(DiskSpec.parse("size=1,format=vhd").format()).hasValue("vpc");
        assertThat(DiskSpec.parse("size=1,format=VMDK").format()).hasValue("vmdk");
    }

    @Test
    void refusesWhatItCannotCreate() {
        assertThatThrownBy(() -> DiskSpec.parse("size=10X")).isInstanceOf(KilnException.class)
                .hasMessageContaining("size= in --disk size=10X takes a size such as 10G");
        assertThatThrownBy(() -> DiskSpec.parse("size=0")).hasMessageContaining("must be more than zero");
        assertThatThrownBy(() -> DiskSpec.parse("a.img,format=ext4")).hasMessageContaining("format must be");
        assertThatThrownBy(() -> DiskSpec.parse("a.img,speed=fast")).hasMessageContaining("does not take 'speed'")
                .hasMessageContaining("file, format, size");
        assertThatThrownBy(() -> DiskSpec.parse("format=raw")).hasMessageContaining("needs a path or a size");
    }

    @Test
    void unnamedDisksLiveInTheStateDirectoryAsLinuxKitNamesThem() {
        Path state = Path.of("/s");

        assertThat(DiskSpec.parse("size=1").pathIn(state, 0)).isEqualTo(Path.of("/s/disk.img"));
        assertThat(DiskSpec.parse("size=1").pathIn(state, 2)).isEqualTo(Path.of("/s/disk2.img"));
        assertThat(DiskSpec.parse("/d/x.img,size=1").pathIn(state, 2)).isEqualTo(Path.of("/d/x.img"));
    }
}
