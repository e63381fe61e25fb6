package dev.kiln.boot;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.testing.LayerTar;
import dev.kiln.testing.TestImageStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Boot loaders from an image: layers flattened as a runtime would, only the known files unpacked. */
class BootloaderImageTest {

    private static final String ISOLINUX = "usr/lib/ISOLINUX/isolinux.bin";
    private static final String LDLINUX = "usr/lib/syslinux/modules/bios/ldlinux.c32";
    private static final String MBR = "usr/lib/ISOLINUX/isohdpfx.bin";
    private static final String STUB = "usr/lib/systemd/boot/efi/linuxx64.efi.stub";

    @TempDir
    Path tmp;

    private final byte[] mbr = new byte[512];

    @BeforeEach
    void noHostRoot() {
        System.setProperty(Bootloaders.HOST_ROOT_PROPERTY, "");
        Arrays.fill(mbr, (byte) 7);
    }

    @AfterEach
    void hostRootBack() {
        System.clearProperty(Bootloaders.HOST_ROOT_PROPERTY);
    }

    private Bootloaders resolve(byte[]... layers) {
        TestImageStore store = new TestImageStore().add("example.org/boot:1", layers);
        return BootloaderImage.resolve(Optional.of("example.org/boot:1"), store, "amd64", false, tmp.resolve("b"),
                Events.none());
    }

    private byte[] lower() {
        return new LayerTar().dir("usr").file(ISOLINUX, "isolinux").fileBytes("data/mbr", mbr)
                .file(LDLINUX, "old ldlinux").file("etc/other", "secret").bytes();
    }

    @Test
    void upperLayersWinHardLinksAreFollowedAndSymlinksAreNot() throws Exception {
        byte[] upper = new LayerTar().hardlink(MBR, "data/mbr").file(LDLINUX, "new ldlinux")
                .symlink(STUB, "/etc/other").bytes();

        Bootloaders loaders = resolve(lower(), upper);

        assertThat(new String(loaders.ldlinux(), StandardCharsets.UTF_8)).isEqualTo("new ldlinux");
        assertThat(loaders.isohybridMbr()).isEqualTo(mbr);
        assertThatThrownBy(loaders::efiStub).isInstanceOf(KilnException.class)
                .hasMessageContaining("apt-get install systemd-boot-efi").hasMessageContaining("--bootloaders");
        try (Stream<Path> files = Files.walk(tmp.resolve("b/bootloaders"))) {
            assertThat(files.filter(Files::isRegularFile).map(p -> tmp.resolve("b/bootloaders").relativize(p).toString()))
                    .as("only the boot loader files are unpacked").containsExactlyInAnyOrder(ISOLINUX, LDLINUX, MBR);
        }
    }

    @Test
    void aWhiteoutInAnUpperLayerHidesTheFile() {
        byte[] upper = new LayerTar().file("usr/lib/ISOLINUX/.wh.isolinux.bin", "").bytes();

        Bootloaders loaders = resolve(lower(), upper);

        assertThatThrownBy(loaders::ldlinux).isInstanceOf(KilnException.class)
                .hasMessageContaining("apt-get install isolinux syslinux-common");
    }

    @Test
    void aDirectoryIsSearchedAsItIsAndNothingIsResolved() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("loaders"));
        Files.writeString(dir.resolve("linuxx64.efi.stub"), "stub");
        TestImageStore store = new TestImageStore();

        Bootloaders loaders = BootloaderImage.resolve(Optional.of(dir.toString()), store, "amd64", false,
                tmp.resolve("b"), Events.none());

        assertThat(new String(loaders.efiStub(), StandardCharsets.UTF_8)).isEqualTo("stub");
        assertThat(store.resolved()).isEmpty();
        assertThat(tmp.resolve("b")).doesNotExist();
    }

    @Test
    void somethingThatIsNeitherADirectoryNorAReferenceIsAUsageError() {
        assertThatThrownBy(() -> BootloaderImage.resolve(Optional.of("Not A Ref!"), new TestImageStore(), "amd64",
                false, tmp.resolve("b"), Events.none()))
                .isInstanceOfSatisfying(KilnException.class, e -> assertThat(e.isUsage() ? e.getMessage() : "not usage")
                        .contains("--bootloaders").contains("KILN_BOOTLOADERS").contains("neither a directory"));
    }
}
