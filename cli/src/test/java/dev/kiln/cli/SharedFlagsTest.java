package dev.kiln.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The flags every cloud shares are declared once by the CLI, read the same everywhere and reach providers typed. */
class SharedFlagsTest {

    private static final List<String> SAME_EVERYWHERE = List.of("--userdata-file", "--wait", "--rm", "--keep",
            "--timeout", "--tag");

    private static String line(String help, String flag) {
        return help.lines().filter(l -> l.trim().startsWith(flag + "=") || l.trim().startsWith(flag + " ")
                        || l.trim().equals(flag) || l.trim().startsWith("--[no-]" + flag.substring(2)))
                .findFirst().orElse("(no " + flag + ")").trim();
    }

    @Test
    void runHelpShowsTheSharedFlagsTheSameOnEveryInstalledCloud() {
        List<String> clouds = CliRun.run("providers").stdout().lines().map(l -> l.split("\\s+")[0])
                .filter(n -> List.of("aws", "gcp", "qemu").contains(n)).toList();
        assumeTrue(clouds.size() == 3, "aws, gcp and qemu are staged in target/providers by the reactor build");
        Map<String, String> helps = clouds.stream().collect(Collectors.toMap(c -> c,
                c -> CliRun.run("run", c, "--help").stdout()));

        for (String flag : SAME_EVERYWHERE) {
            assertThat(clouds.stream().map(c -> line(helps.get(c), flag)).distinct().toList())
                    .as("%s in run aws/gcp/qemu --help", flag).hasSize(1).doesNotContain("(no " + flag + ")");
        }
        for (String flag : List.of("--userdata", "--disk")) {
            assertThat(clouds.stream().map(c -> line(helps.get(c), flag)).distinct().toList())
                    .as("%s starts the same", flag).hasSize(1);
        }
        assertThat(helps.get("aws").replaceAll("\\s+", " ")).contains("aws takes at most 16384 bytes")
                .contains("aws --disk keys: device, iops, size, type");
        assertThat(helps.get("gcp").replaceAll("\\s+", " ")).contains("gcp --disk keys: size, type");
    }

    @Test
    void sharedRunFlagsReachTheProviderTyped() {
        CliRun r = CliRun.run("--output", "json", "run", "fakecloud", "hello", "--userdata", "hi there",
                "--disk", "size=2G,type=ssd", "--disk", "size=1500M", "--wait", "stopped", "--rm",
                "--tag", "team=core", "--tag", "env=ci");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("\"userdata_bytes\" : \"8\"", "\"disks\" : \"[2G:ssd, 2G:-]\"",
                "\"wait\" : \"STOPPED\"", "\"rm\" : \"true\"", "\"tags\" : \"{env=ci, team=core}\"");
    }

    @Test
    void whatTheProviderDoesNotTakeIsAUsageErrorBeforeAnyCall() {
        CliRun big = CliRun.run("run", "fakecloud", "hello", "--userdata", "12345678901");
        CliRun key = CliRun.run("run", "fakecloud", "hello", "--disk", "size=1G,iops=300");
        CliRun wait = CliRun.run("run", "fakecloud", "hello", "--wait", "none");
        CliRun both = CliRun.run("run", "fakecloud", "hello", "--rm", "--keep");

        assertThat(List.of(big, key, wait, both)).allMatch(r -> r.exitCode() == 2);
        assertThat(big.stderr()).contains("11 bytes; fakecloud takes at most 10 (the fake cloud's metadata holds 10 bytes)");
        assertThat(key.stderr()).contains("does not take 'iops'", "takes size, type");
        assertThat(wait.stderr()).contains("cannot --wait none; it can wait for running, stopped");
        assertThat(both.stderr()).contains("--rm and --keep contradict each other");
    }

    @Test
    void pushReadsThePublishPolicyOnce(@TempDir Path dir) throws IOException {
        Path image = Files.write(dir.resolve("hello.raw"), new byte[4096]);

        CliRun r = CliRun.run(Map.of("FAKE_TOKEN", "t", "KILN_IF_EXISTS", "replace"), "--output", "json", "push",
                "fakecloud", image.toString(), "--public", "--tag", "team=core");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("\"if-exists\" : \"replace\"", "\"public\" : \"true\"", "\"team\" : \"core\"");
    }

    @Test
    void pushFindsTheFilesOfASeveralFileFormatThroughTheBuildRecord(@TempDir Path dir) throws IOException {
        for (String f : List.of("hello-kernel", "hello-initrd.img", "hello-cmdline")) {
            Files.writeString(dir.resolve(f), f);
        }
        Files.writeString(dir.resolve("hello.kiln.json"), """
                {"schema": "kiln.dev/build-record/v1", "name": "hello", "arch": "amd64", "content_digest": "sha256:00",
                 "outputs": [{"format": "kernel+initrd",
                              "files": {"kernel": "hello-kernel", "initrd": "hello-initrd.img", "cmdline": "hello-cmdline"}}]}
                """);

        CliRun byName = CliRun.run(Map.of("FAKE_TOKEN", "t"), "--output", "json", "push", "fakecloud",
                dir.resolve("hello").toString());
        CliRun byDir = CliRun.run(Map.of("FAKE_TOKEN", "t"), "--output", "json", "push", "fakecloud", dir.toString());
        CliRun byMember = CliRun.run(Map.of("FAKE_TOKEN", "t"), "--output", "json", "push", "fakecloud",
                dir.resolve("hello-kernel").toString());

        for (CliRun r : List.of(byName, byDir, byMember)) {
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(r.stdout()).contains("\"files\" : \"kernel,initrd,cmdline\"", "\"name\" : \"hello\"");
        }
        assertThat(byName.stdout()).contains("\"content_digest\" : \"sha256:");
    }
}
