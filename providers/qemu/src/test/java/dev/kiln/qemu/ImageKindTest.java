package dev.kiln.qemu;

import dev.kiln.boot.iso.SeedIso;
import dev.kiln.api.KilnException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageKindTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"qcow2, QCOW2", "vmdk, VMDK", "vhdx, VHDX", "raw, RAW"})
    void tellsQemuImgsFormatsApartByContentNotName(String format, ImageKind expected) throws Exception {
        Path disk = tmp.resolve("disk.img");
        TestDisks.exec("qemu-img", "create", "-q", "-f", format, disk.toString(), "8M");

        assertThat(ImageKind.sniff(disk)).isEqualTo(expected);
    }

    @Test
    void findsTheVhdFooterOfFixedAndDynamicVhds() throws Exception {
        Path fixed = tmp.resolve("fixed.vhd");
        Path dynamic = tmp.resolve("dynamic.vhd");
        TestDisks.exec("qemu-img", "create", "-q", "-f", "vpc", "-o", "subformat=fixed", fixed.toString(), "8M");
        TestDisks.exec("qemu-img", "create", "-q", "-f", "vpc", dynamic.toString(), "8M");

        assertThat(ImageKind.sniff(fixed)).isEqualTo(ImageKind.VHD);
        assertThat(ImageKind.sniff(dynamic)).isEqualTo(ImageKind.VHD);
    }

    @Test
    void aPlainIso9660IsACdWhateverItsName() throws Exception {
        Path iso = tmp.resolve("seed.img");
        SeedIso.write(iso, "cidata", Map.of("user-data", "x".getBytes(StandardCharsets.UTF_8)));

        assertThat(ImageKind.sniff(iso)).isEqualTo(ImageKind.ISO);
    }

    @Test
    void anIsohybridBootsAsACdWhenNamedIsoAndAsADiskOtherwise() throws Exception {
        Path guest = new TestGuest().writeTo(tmp, "g");
        Path iso = TestDisks.isohybrid(guest, tmp.resolve("hybrid.iso"));
        Path img = Files.copy(iso, tmp.resolve("hybrid.img"));

        assertThat(ImageKind.sniff(iso)).isEqualTo(ImageKind.ISO);
        assertThat(ImageKind.sniff(img)).isEqualTo(ImageKind.RAW);
    }

    @Test
    void refusesAnEmptyFile() throws Exception {
        Path empty = Files.createFile(tmp.resolve("empty.img"));

        assertThatThrownBy(() -> ImageKind.sniff(empty)).isInstanceOf(KilnException.class)
                .hasMessageContaining("is empty");
    }
}
