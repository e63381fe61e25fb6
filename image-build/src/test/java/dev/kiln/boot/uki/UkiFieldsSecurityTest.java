package dev.kiln.boot.uki;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.boot.BootFiles;
import dev.kiln.boot.BootPieces;
import dev.kiln.boot.Bootloaders;
import dev.kiln.boot.io.Content;
import dev.kiln.boot.io.ZeroContent;
import dev.kiln.limits.FieldOverflowException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A PE32+ image's section sizes and addresses are 32-bit (PE Format, "Section Table", "Optional Header"): a
 * unified kernel image whose kernel and initrd pass 4 GiB is refused naming the field, never written with a
 * wrapped size that firmware would load as a few bytes of initrd.
 */
@Tag("security")
class UkiFieldsSecurityTest {

    private static final long GIB = 1L << 30;

    /** A minimal PE32+ stub: one section, SizeOfHeaders 1024 so 16 more section headers fit. */
    static byte[] stub() {
        ByteBuffer b = ByteBuffer.allocate(0x600).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, (short) 0x5A4D).putInt(0x3C, 0x40).putInt(0x40, 0x00004550);
        int coff = 0x44;
        b.putShort(coff, (short) 0x8664).putShort(coff + 2, (short) 1).putShort(coff + 16, (short) 240);
        int opt = coff + 20;
        b.putShort(opt, (short) 0x20B).putInt(opt + 8, 0x200).putInt(opt + 32, 4096).putInt(opt + 36, 512)
                .putInt(opt + 56, 0x2000).putInt(opt + 60, 0x400);
        int section = opt + 240;
        b.position(section);
        b.put(".text\0\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.putInt(0x100).putInt(0x1000).putInt(0x200).putInt(0x400);
        return b.array();
    }

    private static UnifiedKernelImage uki(Content kernel, Content initrd) {
        return UnifiedKernelImage.of(stub(), "ID=kiln\n", "console=ttyS0", kernel, initrd, 4096);
    }

    @Test
    void anInitrdOf4GiBIsRefusedInItsSectionSize() {
        assertThatThrownBy(() -> uki(new ZeroContent(1024), new ZeroContent(4 * GIB + 8)))
                .isInstanceOf(FieldOverflowException.class).hasMessageContaining("PE section VirtualSize")
                .hasMessageContaining(String.valueOf(4 * GIB + 8));
    }

    @Test
    void aSectionStartingPast4GiBIsRefusedInItsAddress() {
        UkiSection big = new UkiSection(".pad", new ZeroContent(4 * GIB - 8192));
        UkiSection after = new UkiSection(".after", new ZeroContent(16));
        assertThatThrownBy(() -> new UnifiedKernelImage(stub(), List.of(big, after), 4096))
                .isInstanceOf(FieldOverflowException.class).hasMessageContaining("PE section VirtualAddress");
    }

    @Test
    void sectionsThatEachFitButTogetherPass4GiBAreRefusedInTheImageTotals() {
        assertThatThrownBy(() -> uki(new ZeroContent(2 * GIB), new ZeroContent(2 * GIB + 4096)))
                .isInstanceOf(FieldOverflowException.class).hasMessageContaining("PE SizeOfInitializedData");
        assertThatThrownBy(() -> uki(new ZeroContent(GIB), new ZeroContent(3 * GIB - 4 * 4096)))
                .as("the sections' data fits, but they end at 4 GiB in memory")
                .isInstanceOf(FieldOverflowException.class).hasMessageContaining("PE SizeOfImage");
    }

    /** Through a build's boot pieces, the refusal names the file (the UKI's path in the ESP) and the image. */
    @Test
    void aBuildWhoseInitrdIs4GiBIsRefusedNamingTheUkiAndTheImage(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path loaders = Files.createDirectories(dir.resolve("loaders"));
        Files.write(loaders.resolve("linuxx64.efi.stub"), stub());
        Path kernel = Files.write(dir.resolve("kernel"), new byte[4096]);
        Path initrd = dir.resolve("initrd.img");
        try (RandomAccessFile f = new RandomAccessFile(initrd.toFile(), "rw")) {
            f.setLength(4 * GIB + 8);
        }
        BootFiles files = new BootFiles("big", dir, dir.resolve("big.tar"), kernel, initrd, "console=ttyS0",
                Optional.empty(), "amd64", "sha256:" + "0".repeat(64), OptionalLong.empty(),
                new Bootloaders(List.of(loaders)), Events.none());

        assertThatThrownBy(() -> new BootPieces(files, files.bootloaders()).uki()).isInstanceOf(KilnException.class)
                .hasMessageContaining("EFI/BOOT/BOOTX64.EFI of big").hasMessageContaining("PE section VirtualSize")
                .hasMessageContaining("4 GiB");
    }

    /** The headers: the first bytes the image writes, taken without writing its 3 GiB of sections. */
    private static byte[] firstWrite(UnifiedKernelImage uki) {
        byte[][] first = new byte[1][];
        class Enough extends RuntimeException {
        }
        try {
            uki.writeTo((bytes, off, len) -> {
                first[0] = java.util.Arrays.copyOfRange(bytes, off, off + len);
                throw new Enough();
            });
        } catch (Enough | java.io.IOException done) {
            // stopped after the header
        }
        return first[0];
    }

    @Test
    void anImageJustUnderTheLimitKeepsItsExactSizes() {
        UnifiedKernelImage uki = uki(new ZeroContent(GIB), new ZeroContent(2 * GIB));
        ByteBuffer h = ByteBuffer.wrap(firstWrite(uki)).order(ByteOrder.LITTLE_ENDIAN);
        int initrd = 0x44 + 20 + 240 + 4 * PeHeaders.SECTION_HEADER;
        assertThat(Integer.toUnsignedLong(h.getInt(initrd + 8))).as(".initrd VirtualSize").isEqualTo(2 * GIB);
        assertThat(Integer.toUnsignedLong(h.getInt(initrd + 20))).as(".initrd PointerToRawData")
                .isEqualTo(uki.offsetOf(".initrd"));
    }
}
