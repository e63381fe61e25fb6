package dev.kiln.cli;

import dev.kiln.testing.HostTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ConvertCommandTest {

    @TempDir
    Path dir;

    private Path raw() throws Exception {
        Path raw = dir.resolve("disk.raw");
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            f.setLength(10L << 20);
            f.seek(1 << 20);
            f.write("hello kiln".getBytes());
        }
        return raw;
    }

    @Test
    void convertsRawToQcow2AndReportsTheResultAsJson() throws Exception {
        Path raw = raw();
        Path out = dir.resolve("disk.qcow2");
        CliRun r = CliRun.run("convert", raw.toString(), out.toString(), "--output", "json");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("\"command\" : \"convert\"").contains("\"format\" : \"qcow2\"")
                .contains("\"input_format\" : \"raw\"").contains("\"virtual_size\" : " + (10L << 20));
        assertThat(Files.readAllBytes(out)).startsWith('Q', 'F', 'I', (byte) 0xfb);
    }

    @Test
    void convertsQcow2BackToAFixedVhdWithAnExplicitFormat() throws Exception {
        Path qcow2 = dir.resolve("d.qcow2");
        assertThat(CliRun.run("convert", raw().toString(), qcow2.toString()).exitCode()).isZero();
        Path vhd = dir.resolve("d.bin");
        CliRun r = CliRun.run("convert", qcow2.toString(), vhd.toString(), "-f", "vhd");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(Files.size(vhd)).isEqualTo((10L << 20) + 512);
        assertThat(r.stdout()).contains("vhd").contains("from qcow2");
    }

    @Test
    void convertsAStreamOptimizedVmdkFromQemuImgToQcow2WithTheSameBytes() throws Exception {
        Path raw = raw();
        Path vmdk = dir.resolve("x.vmdk");
        run("qemu-img", "convert", "-f", "raw", "-O", "vmdk", "-o", "subformat=streamOptimized", raw.toString(),
                vmdk.toString());
        Path qcow2 = dir.resolve("y.qcow2");
        CliRun r = CliRun.run("convert", vmdk.toString(), qcow2.toString());
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("from vmdk");
        assertThat(run("qemu-img", "compare", "-f", "raw", "-F", "qcow2", raw.toString(), qcow2.toString()))
                .contains("Images are identical");
    }

    @Test
    void aVmdkCutShortFailsNamingTheFile() throws Exception {
        Path vmdk = dir.resolve("x.vmdk");
        assertThat(CliRun.run("convert", raw().toString(), vmdk.toString()).exitCode()).isZero();
        try (RandomAccessFile f = new RandomAccessFile(vmdk.toFile(), "rw")) {
            f.setLength(f.length() - 1000);
        }
        CliRun r = CliRun.run("convert", vmdk.toString(), dir.resolve("y.qcow2").toString());
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains(vmdk.toString()).contains("cut short");
        assertThat(dir.resolve("y.qcow2")).doesNotExist();
    }

    private String run(String... command) throws Exception {
        Process p = HostTools.command(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    @Test
    void unknownFormatIsAUsageError() throws Exception {
        CliRun r = CliRun.run("convert", raw().toString(), dir.resolve("x.bin").toString());
        assertThat(r.exitCode()).isEqualTo(Kiln.USAGE);
        assertThat(r.stderr()).contains("pass -f");
    }
}
