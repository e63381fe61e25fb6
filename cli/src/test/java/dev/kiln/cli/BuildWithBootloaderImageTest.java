package dev.kiln.cli;

import dev.kiln.boot.Bootloaders;
import dev.kiln.testing.HostTools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kiln build takes the boot loaders from an image in the cache ({@code --bootloaders} or
 * {@code KILN_BOOTLOADERS}) when the host has none: host lookup is switched off here, so a
 * bootable output can only have come from the image.
 */
class BuildWithBootloaderImageTest {

    private static final Map<String, String> DEBIAN = Map.of(
            "usr/lib/systemd/boot/efi/linuxx64.efi.stub", "/usr/lib/systemd/boot/efi/linuxx64.efi.stub",
            "usr/lib/ISOLINUX/isolinux.bin", "/usr/lib/ISOLINUX/isolinux.bin",
            "usr/lib/ISOLINUX/isohdpfx.bin", "/usr/lib/ISOLINUX/isohdpfx.bin",
            "usr/lib/syslinux/modules/bios/ldlinux.c32", "/usr/lib/syslinux/modules/bios/ldlinux.c32");
    private static final String REF = "example.org/bootloaders:1";
    private static final long ESP_OFFSET = 2048L * 512;

    @TempDir
    Path work;

    @BeforeEach
    void noHostBootloadersAndAPackedBootloaderImage() throws Exception {
        System.setProperty(Bootloaders.HOST_ROOT_PROPERTY, "");
        Path loaders = work.resolve("loaders");
        for (Map.Entry<String, String> f : DEBIAN.entrySet()) {
            Path target = loaders.resolve(f.getKey());
            Files.createDirectories(target.getParent());
            Files.copy(Path.of(f.getValue()), target);
        }
        Path kernel = Files.createDirectories(work.resolve("k"));
        Files.writeString(kernel.resolve("kernel"), "kernel bytes");
        Files.write(kernel.resolve("kernel.tar"), new byte[1024]);
        Path init = Files.createDirectories(work.resolve("init/bin"));
        Files.copy(Path.of("/bin/busybox"), init.resolve("busybox"));
        ok(kiln(Map.of(), "cache", "pack", loaders.toString(), "--ref", REF));
        ok(kiln(Map.of(), "cache", "pack", kernel.toString(), "--ref", "example.org/kernel:1"));
        ok(kiln(Map.of(), "cache", "pack", work.resolve("init").toString(), "--ref", "example.org/init:1"));
        Files.writeString(work.resolve("hello.yml"), "kernel:\n  image: example.org/kernel:1\n  cmdline: console=ttyS0\n"
                + "init:\n  - example.org/init:1\n");
    }

    @AfterEach
    void hostBootloadersBack() {
        System.clearProperty(Bootloaders.HOST_ROOT_PROPERTY);
    }

    private CliRun kiln(Map<String, String> env, String... args) {
        Map<String, String> all = new HashMap<>(env);
        all.put("KILN_CACHE", work.resolve("cache").toString());
        all.put("HOME", work.toString());
        return CliRun.run(all, args);
    }

    private static void ok(CliRun run) {
        assertThat(run.exitCode()).as(run.stderr()).isZero();
    }

    private CliRun build(Map<String, String> env, String format, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("build", "-f", format, "--dir", work.toString()));
        args.addAll(List.of(more));
        args.add(work.resolve("hello.yml").toString());
        return kiln(env, args.toArray(String[]::new));
    }

    @Test
    void rawEfiUkiIsBuiltOnTheStubFromTheImageNamedByTheFlag() throws Exception {
        ok(build(Map.of(), "raw-efi", "--bootloaders", REF));

        Path uki = work.resolve("BOOTX64.EFI");
        Tools.run("mcopy", "-n", "-i", work.resolve("hello-efi.img") + "@@" + ESP_OFFSET, "::/EFI/BOOT/BOOTX64.EFI",
                uki.toString());
        byte[] stub = Files.readAllBytes(Path.of(DEBIAN.get("usr/lib/systemd/boot/efi/linuxx64.efi.stub")));
        byte[] built = Files.readAllBytes(uki);
        int headers = sizeOfHeaders(stub);
        assertThat(headers).isPositive().isLessThan(stub.length);
        assertThat(Arrays.copyOfRange(built, headers, stub.length)).as("the stub's sections, unchanged")
                .isEqualTo(Arrays.copyOfRange(stub, headers, stub.length));
        assertThat(Arrays.copyOfRange(built, 0, 2)).isEqualTo(new byte[] {'M', 'Z'});
    }

    @Test
    void isoBiosCarriesIsolinuxAndLdlinuxFromTheImageNamedByTheEnvironment() throws Exception {
        ok(build(Map.of(Bootloaders.ENV, REF), "iso-bios"));

        Path iso = work.resolve("hello.iso");
        byte[] ldlinux = extractIso(iso, "/isolinux/ldlinux.c32");
        assertThat(ldlinux).isEqualTo(Files.readAllBytes(Path.of("/usr/lib/syslinux/modules/bios/ldlinux.c32")));
        byte[] isolinux = extractIso(iso, "/isolinux/isolinux.bin");
        byte[] original = Files.readAllBytes(Path.of("/usr/lib/ISOLINUX/isolinux.bin"));
        assertThat(isolinux).hasSameSizeAs(original);
        assertThat(Arrays.copyOfRange(isolinux, 64, isolinux.length)).as("all but the boot info table (bytes 8-63)")
                .isEqualTo(Arrays.copyOfRange(original, 64, original.length));
        byte[] mbr = Arrays.copyOf(Files.readAllBytes(iso), 432);
        assertThat(mbr).isEqualTo(Arrays.copyOf(Files.readAllBytes(Path.of("/usr/lib/ISOLINUX/isohdpfx.bin")), 432));
    }

    @Test
    void withoutHostFilesOrAnImageTheErrorNamesThePackageAndTheOption() throws Exception {
        CliRun efi = build(Map.of(), "raw-efi");
        assertThat(efi.exitCode()).isNotZero();
        assertThat(efi.stderr()).contains("apt-get install systemd-boot-efi").contains("--bootloaders")
                .contains("KILN_BOOTLOADERS");

        Path empty = Files.createDirectories(work.resolve("empty"));
        CliRun iso = build(Map.of(), "iso-bios", "--bootloaders", empty.toString());
        assertThat(iso.exitCode()).isNotZero();
        assertThat(iso.stderr()).contains("apt-get install isolinux syslinux-common").contains("--bootloaders")
                .contains(empty.toString());
    }

    @Test
    void anImageWithoutTheFilesFailsNamingThePackage() throws Exception {
        Path other = Files.createDirectories(work.resolve("other/etc"));
        Files.writeString(other.resolve("motd"), "no boot loaders here\n");
        ok(kiln(Map.of(), "cache", "pack", work.resolve("other").toString(), "--ref", "example.org/other:1"));

        CliRun run = build(Map.of(), "raw-efi", "--bootloaders", "example.org/other:1");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("systemd-boot-efi").contains("--bootloaders");
    }

    private byte[] extractIso(Path iso, String path) throws Exception {
        Path out = work.resolve("extracted" + path.replace('/', '_'));
        Tools.run("xorriso", "-osirrox", "on", "-indev", iso.toString(), "-extract", path, out.toString());
        return Files.readAllBytes(out);
    }

    /** PE/COFF: the optional header follows the 4-byte signature and 20-byte file header; SizeOfHeaders is at +60. */
    private static int sizeOfHeaders(byte[] pe) {
        ByteBuffer b = ByteBuffer.wrap(pe).order(ByteOrder.LITTLE_ENDIAN);
        return b.getInt(b.getInt(0x3c) + 24 + 60);
    }

    /** Runs a tool to completion, failing the test with its output when it fails. */
    private static final class Tools {
        static void run(String... command) throws Exception {
            Process p = HostTools.command(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as(String.join(" ", command) + "\n" + output).isZero();
        }
    }
}
