package dev.kiln.boot.iso;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;

class BootCatalogTest {

    @Test
    void theUefiEntryCountsTheImageSectorsWhenTheyFitIn16Bits() {
        assertThat(efiEntryCount(20L << 20)).isEqualTo(40960);
        assertThat(efiEntryCount(0xFFFFL * 512)).isEqualTo(0xFFFF);
    }

    @Test
    void anImageTooLargeForTheCountGetsZeroAsXorrisoWritesIt() {
        // xorriso 1.5.4, -e efi.img -no-emul-boot with a 34 MiB efi.img, writes a sector count of 0
        assertThat(efiEntryCount(34L << 20)).isZero();
        assertThat(efiEntryCount(0x10000L * 512)).isZero();
    }

    /** The sector count of the UEFI entry (the section entry at byte 96, behind the validation entry, the BIOS entry and the 0x91 header). */
    private static int efiEntryCount(long efiBytes) {
        ByteBuffer b = ByteBuffer.wrap(BootCatalog.encode(20, 4, 34, efiBytes)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.get(64) & 0xff).isEqualTo(0x91);
        assertThat(b.get(65) & 0xff).isEqualTo(BootCatalog.PLATFORM_EFI);
        assertThat(b.getInt(96 + 8)).isEqualTo(34);
        return b.getShort(96 + 6) & 0xffff;
    }
}
