package dev.kiln.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ByteSizeTest {

    @Test
    void everySpellingOfAUnitIsTheSame1024BasedUnit() {
        for (String text : new String[] {"10G", "10GiB", "10GB", "10g", "10gib", "10 GiB", " 10G "}) {
            assertThat(ByteSize.parse(text, ByteSize.MIB, "--size").bytes()).as(text).isEqualTo(10L << 30);
        }
        assertThat(ByteSize.parse("512M", ByteSize.MIB, "--size").bytes()).isEqualTo(512L << 20);
        assertThat(ByteSize.parse("36MiB", ByteSize.MIB, "--size").bytes()).isEqualTo(36L << 20);
        assertThat(ByteSize.parse("36MB", ByteSize.MIB, "--size").bytes()).isEqualTo(36L << 20);
        assertThat(ByteSize.parse("4K", ByteSize.MIB, "--size").bytes()).isEqualTo(4096);
        assertThat(ByteSize.parse("2T", ByteSize.MIB, "--size").bytes()).isEqualTo(2L << 40);
        assertThat(ByteSize.parse("512B", ByteSize.MIB, "--size").bytes()).isEqualTo(512);
    }

    @Test
    void aBareNumberIsInTheFlagsDocumentedUnit() {
        assertThat(ByteSize.parse("2048", ByteSize.MIB, "--size").bytes()).isEqualTo(2L << 30);
        assertThat(ByteSize.parse("20", ByteSize.GIB, "--disk size=20").bytes()).isEqualTo(20L << 30);
        assertThat(ByteSize.parse("4096", 1, "--x").bytes()).isEqualTo(4096);
    }

    @Test
    void aWrongSizeIsAUsageErrorNamingTheFlagTheGrammarAndTheBareUnit() {
        assertThatThrownBy(() -> ByteSize.parse("ten gigs", ByteSize.MIB, "--size"))
                .isInstanceOfSatisfying(KilnException.class, e -> assertThat(e.isUsage()).isTrue())
                .hasMessage("--size takes a size such as 10G, 10GiB, 512M or 2048 (MiB) (units are 1024-based; "
                        + "a bare number is in MiB), not 'ten gigs'");
        assertThatThrownBy(() -> ByteSize.parse("10X", ByteSize.GIB, "--disk size=10X"))
                .hasMessageContaining("--disk size=10X takes a size").hasMessageContaining("a bare number is in GiB");
        assertThatThrownBy(() -> ByteSize.parse("10iB", ByteSize.GIB, "--mem")).hasMessageStartingWith("--mem takes");
        assertThatThrownBy(() -> ByteSize.parse("-1G", ByteSize.GIB, "--mem")).hasMessageStartingWith("--mem takes");
        assertThatThrownBy(() -> ByteSize.parse("0", ByteSize.MIB, "--size"))
                .hasMessage("--size must be more than zero, not '0'");
        assertThatThrownBy(() -> ByteSize.parse("99999999999T", ByteSize.MIB, "--size"))
                .hasMessage("--size '99999999999T' is larger than kiln can count in bytes");
    }

    @Test
    void printsInTheLargestWholeUnit() {
        assertThat(ByteSize.format(36L << 20)).isEqualTo("36 MiB");
        assertThat(ByteSize.format(10L << 30)).isEqualTo("10 GiB");
        assertThat(ByteSize.format(1536L << 20)).isEqualTo("1536 MiB");
        assertThat(ByteSize.format(1000)).isEqualTo("1000 bytes");
        assertThat(ByteSize.formatMiB((35L << 20) + 1)).isEqualTo("36 MiB");
        assertThat(new ByteSize(1500L << 20).ceil(ByteSize.GIB)).isEqualTo(2);
        assertThat(ByteSize.parse("1M", ByteSize.MIB, "--size")).hasToString("1 MiB");
    }
}
