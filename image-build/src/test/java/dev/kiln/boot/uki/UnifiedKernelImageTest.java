package dev.kiln.boot.uki;

import dev.kiln.boot.Bootloaders;
import dev.kiln.boot.Tools;
import dev.kiln.boot.io.ByteSink;
import dev.kiln.boot.io.Content;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class UnifiedKernelImageTest {

    @TempDir
    Path dir;

    @Test
    void objdumpSeesTheAddedSectionsAlignedAndAboveTheStub() throws Exception {
        byte[] kernel = new byte[100_001];
        Arrays.fill(kernel, (byte) 7);
        UnifiedKernelImage uki = UnifiedKernelImage.of(Bootloaders.host().efiStub(), "ID=kiln\n",
                "console=ttyS0", Content.of(kernel), Content.of(new byte[] {1, 2, 3}), 4096);
        Path file = dir.resolve("uki.efi");
        byte[] bytes = ByteSink.toBytes(uki);
        Files.write(file, bytes);

        assertThat((long) bytes.length).isEqualTo(uki.size());
        String headers = Tools.ok("objdump", "-h", file.toString());
        Matcher m = Pattern.compile("\\s\\d+ (\\.linux)\\s+([0-9a-f]+)\\s+([0-9a-f]+)\\s+[0-9a-f]+\\s+([0-9a-f]+)")
                .matcher(headers);
        assertThat(m.find()).as(headers).isTrue();
        assertThat(Long.parseLong(m.group(2), 16)).isEqualTo(kernel.length);
        long fileOffset = Long.parseLong(m.group(4), 16);
        assertThat(fileOffset % 4096).isZero();
        assertThat(fileOffset).isEqualTo(uki.offsetOf(".linux"));
        assertThat(Arrays.copyOfRange(bytes, (int) fileOffset, (int) fileOffset + kernel.length)).isEqualTo(kernel);
        assertThat(headers).contains(".osrel", ".cmdline", ".initrd", ".sdmagic");
        assertThat(Tools.ok("objdump", "-p", file.toString())).contains("(EFI application)");
    }
}
