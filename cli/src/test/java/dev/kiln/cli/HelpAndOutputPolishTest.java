package dev.kiln.cli;

import dev.kiln.spi.Providers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Issue 21, "Help and output polish": option spellings, switches, sizes and messages, as typed at a shell. */
class HelpAndOutputPolishTest {

    @TempDir
    Path tmp;

    @Test
    void buildWritesItsStreamWithOutputFileAndTheOldDashDashOStillWorksWithOneWarning() throws IOException {
        Map<String, String> env = cachedHello();
        Path yml = hello();
        Path now = tmp.resolve("now.tar");
        Path old = tmp.resolve("old.tar");

        CliRun current = CliRun.run(env, "-q", "build", "--output-file", now.toString(), "--dir", tmp.toString(),
                yml.toString());
        CliRun deprecated = CliRun.run(env, "-q", "build", "--o", old.toString(), "--dir", tmp.toString(),
                yml.toString());

        assertThat(current.exitCode()).as(current.stderr()).isZero();
        assertThat(current.stderr()).doesNotContain("deprecated");
        assertThat(deprecated.exitCode()).as(deprecated.stderr()).isZero();
        assertThat(deprecated.stderr().lines().filter(l -> l.contains("deprecated")).toList())
                .containsExactly("kiln: warning: --o is deprecated; use -o or --output-file");
        assertThat(Files.readAllBytes(old)).isEqualTo(Files.readAllBytes(now)).isNotEmpty();
    }

    @Test
    void buildHelpNamesOutputFileAndHidesTheOldSpelling() {
        String help = CliRun.run("build", "--help").stdout();

        assertThat(help).contains("-o, --output-file=FILE|-").doesNotContain("--o=").doesNotContain("--o ");
    }

    @Test
    void convertTakesFormatOptionAndTheOldDashOStillWorksWithOneWarning() throws Exception {
        Path raw = raw();

        CliRun current = CliRun.run("convert", raw.toString(), tmp.resolve("a.qcow2").toString(),
                "--format-option", "compress=zstd");
        CliRun deprecated = CliRun.run("convert", raw.toString(), tmp.resolve("b.qcow2").toString(),
                "-o", "compress=zstd");
        CliRun unknown = CliRun.run("convert", raw.toString(), tmp.resolve("c.qcow2").toString(),
                "--format-option", "colour=blue");
        String help = CliRun.run("convert", "--help").stdout();

        assertThat(current.exitCode()).as(current.stderr()).isZero();
        assertThat(current.stderr()).doesNotContain("deprecated");
        assertThat(deprecated.exitCode()).as(deprecated.stderr()).isZero();
        assertThat(deprecated.stderr()).contains("kiln: warning: -o/--option is deprecated; use --format-option");
        assertThat(Files.readAllBytes(tmp.resolve("b.qcow2"))).isEqualTo(Files.readAllBytes(tmp.resolve("a.qcow2")));
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("Unknown --format-option 'colour=blue'");
        assertThat(help).contains("--format-option=KEY=VALUE").doesNotContain("-o, --option");
    }

    @Test
    void cacheExportTakesTheSameOutputFileSpellingAsBuild() {
        String help = CliRun.run("cache", "export", "--help").stdout();

        assertThat(help).contains("-o, --output-file=FILE|-");
    }

    @Test
    void switchesAreNegatableAndTheOldEqualsFalseStillWorksWithOneWarning() throws IOException {
        Path image = Files.write(tmp.resolve("hello.raw"), new byte[] {1, 2, 3, 4});
        Map<String, String> env = Map.of("FAKE_TOKEN", "t");

        CliRun on = CliRun.run(env, "-v", "push", "fakecloud", image.toString(), "--dry-run", "--public");
        CliRun off = CliRun.run(env, "-v", "push", "fakecloud", image.toString(), "--dry-run", "--no-public");
        CliRun oldOff = CliRun.run(env, "-v", "push", "fakecloud", image.toString(), "--dry-run", "--public=false");
        CliRun oldOn = CliRun.run(env, "-v", "push", "fakecloud", image.toString(), "--dry-run", "--public", "true");
        CliRun wrong = CliRun.run(env, "push", "fakecloud", image.toString(), "--dry-run", "--public=maybe");
        String help = CliRun.run("push", "fakecloud", "--help").stdout();

        assertThat(on.exitCode()).as(on.stderr()).isZero();
        assertThat(on.stderr()).contains("public=true").doesNotContain("deprecated");
        assertThat(off.exitCode()).as(off.stderr()).isZero();
        assertThat(off.stderr()).contains("public=false").doesNotContain("deprecated");
        assertThat(oldOff.exitCode()).as(oldOff.stderr()).isZero();
        assertThat(oldOff.stderr()).contains("kiln: warning: --public=false is deprecated; use --no-public")
                .contains("public=false");
        assertThat(oldOn.exitCode()).as(oldOn.stderr()).isZero();
        assertThat(oldOn.stderr()).contains("kiln: warning: --public true is deprecated; use --public")
                .contains("public=true");
        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.stderr()).contains("--public is a switch and takes no value: use --public or --no-public");
        assertThat(help).contains("--[no-]public").contains("--[no-]fail").doesNotContain("true|false");
    }

    @Test
    void buildSizesTakeEveryUnitSpellingAndErrorsSayTheUnit() throws IOException {
        Map<String, String> env = cachedHello();
        Path yml = hello();

        for (String size : new String[] {"64M", "64MiB", "64MB", "64"}) {
            Path dir = tmp.resolve("out-" + size);
            CliRun r = CliRun.run(env, "-q", "build", "-f", "raw-efi", "--size", size, "--dir", dir.toString(),
                    yml.toString());

            assertThat(r.exitCode()).as(size + ": " + r.stderr()).isZero();
            assertThat(Files.size(dir.resolve("hello-efi.img"))).as(size).isEqualTo(64L << 20);
        }
        CliRun small = CliRun.run(env, "build", "-f", "raw-efi", "--size", "1M", "--dir", tmp.toString(),
                yml.toString());
        CliRun wrong = CliRun.run(env, "build", "-f", "raw-efi", "--size", "lots", "--dir", tmp.toString(),
                yml.toString());
        CliRun layer = CliRun.run(env, "build", "--max-layer-size", "1 TB", "--dir", tmp.resolve("l").toString(),
                yml.toString());

        assertThat(small.exitCode()).isEqualTo(2);
        assertThat(small.stderr()).containsPattern("--size 1 MiB is too small: the raw-efi image needs at least "
                + "\\d+ MiB");
        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.stderr()).contains("--size takes a size such as 10G, 10GiB, 512M or 2048 (MiB) "
                + "(units are 1024-based; a bare number is in MiB), not 'lots'");
        assertThat(layer.exitCode()).as(layer.stderr()).isZero();
    }

    @Test
    void buildSaysOneWriteLinePerOutputNamingItsFiles() throws IOException {
        Map<String, String> env = cachedHello();

        CliRun r = CliRun.run(env, "--console", "plain", "build", "-f", "vhd,raw-efi,kernel+initrd", "--dir",
                tmp.resolve("out").toString(), hello().toString());

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stderr().lines().filter(l -> l.matches(".*\\bwrite [a-z0-9+-]+( .*)?") && !l.contains(": ")))
                .map(l -> l.replaceAll("^.*\\bwrite ", "write "))
                .containsExactly("write vhd hello.vhd", "write raw-efi hello-efi.img",
                        "write kernel+initrd hello-kernel, hello-initrd.img, hello-cmdline");
    }

    @Test
    void aRunsLastLineNamesTheImageThenTheInstance() throws IOException {
        Path image = Files.write(tmp.resolve("hello.raw"), new byte[] {1, 2, 3, 4});

        CliRun r = CliRun.run(Map.of("FAKE_TOKEN", "t"), "run", "fakecloud", image.toString());

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).startsWith(image + " running on fakecloud (instance i-hello)  ");
    }

    @Test
    void aQemuDryRunNamesTheImageAndNoEmptyInstance() throws IOException {
        assumeTrue(Providers.installed().stream().anyMatch(f -> f.name().equals("qemu")),
                "qemu is not staged: package it first");
        Files.writeString(tmp.resolve("hello-kernel"), "kernel");
        Files.writeString(tmp.resolve("hello-initrd.img"), "initrd");
        String image = tmp.resolve("hello").toString();

        CliRun r = CliRun.run("run", "qemu", image, "--dry-run");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo(image + " would be started on qemu (dry run)  private_ipv4=10.0.2.15"
                + System.lineSeparator());
    }

    @Test
    void everyHelpPageListsTheCommonOptionsFirstThenItsOwnInDeclarationOrder() {
        java.util.List<java.util.List<String>> pages = new java.util.ArrayList<>();
        walk(Kiln.commandLine(Session.of(new java.io.ByteArrayOutputStream(), new java.io.ByteArrayOutputStream(),
                Map.of(), Interrupts.none()), Providers.installed()), new java.util.ArrayList<>(), pages);

        for (java.util.List<String> page : pages) {
            java.util.List<String> args = new java.util.ArrayList<>(page);
            args.add("--help");
            String help = CliRun.run(args.toArray(String[]::new)).stdout();
            assertThat(help).as(String.join(" ", page)).containsSubsequence("Common options:", "-h, --help",
                    "-V, --version", "-v, --verbose", "-q, --quiet", "--output=", "--console=", "--stacktrace",
                    "--result-file=", "--work-dir=");
            if (help.contains("Options:")) {
                assertThat(help.indexOf("Options:")).as(String.join(" ", page))
                        .isGreaterThan(help.indexOf("--work-dir="));
            }
        }
        assertThat(pages).hasSizeGreaterThan(20);
        assertThat(CliRun.run("build", "--help").stdout()).containsSubsequence("Options:", "--name=", "--dir=",
                "-o, --output-file=", "-f, --format=", "--size=", "--arch=", "--cache=", "--dry-run");
        assertThat(CliRun.run("push", "fakecloud", "--help").stdout()).containsSubsequence("Options:", "--name=",
                "--arch=", "--dry-run", "--if-exists=", "--[no-]public", "--region=", "--token=", "--[no-]fail");
    }

    private static void walk(picocli.CommandLine cli, java.util.List<String> path,
                             java.util.List<java.util.List<String>> pages) {
        pages.add(path);
        cli.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().name().equals(name)) {
                return;
            }
            java.util.List<String> deeper = new java.util.ArrayList<>(path);
            deeper.add(name);
            walk(sub, deeper, pages);
        });
    }

    private Path raw() throws IOException {
        Path raw = tmp.resolve("disk.raw");
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            f.setLength(10L << 20);
            f.seek(1 << 20);
            f.write("hello kiln".getBytes());
        }
        return raw;
    }

    /** A kernel and an init packed into a private cache, as NewcomerTest does. */
    private Map<String, String> cachedHello() throws IOException {
        Map<String, String> env = new HashMap<>(Map.of("KILN_CACHE", tmp.resolve("cache").toString(),
                "HOME", tmp.toString(), "KILN_WORK_DIR", Files.createDirectories(tmp.resolve("scratch")).toString()));
        Path kernel = Files.createDirectories(tmp.resolve("k"));
        Files.writeString(kernel.resolve("kernel"), "kernel bytes");
        Files.write(kernel.resolve("kernel.tar"), new byte[1024]);
        Path init = Files.createDirectories(tmp.resolve("init/bin"));
        Files.writeString(init.resolve("sh"), "#!/bin/sh\n");
        assertThat(CliRun.run(env, "cache", "pack", kernel.toString(), "--ref", "example.org/kernel:1").exitCode()).isZero();
        assertThat(CliRun.run(env, "cache", "pack", tmp.resolve("init").toString(), "--ref", "example.org/init:1")
                .exitCode()).isZero();
        return env;
    }

    private Path hello() throws IOException {
        return Files.writeString(tmp.resolve("hello.yml"), "kernel:\n  image: example.org/kernel:1\n"
                + "  cmdline: console=ttyS0\ninit:\n  - example.org/init:1\n");
    }
}
