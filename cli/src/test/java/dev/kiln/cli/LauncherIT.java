package dev.kiln.cli;

import dev.kiln.testing.HostTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged distribution, started the way users start it: bin/kiln from a copy of target/kiln. */
class LauncherIT {

    @TempDir
    static Path dist;

    /** The user's cache ($XDG_CACHE_HOME), where the start-up archive goes. */
    @TempDir
    static Path cache;

    @TempDir
    Path tmp;

    @BeforeAll
    static void copyTheDistribution() throws IOException {
        Path built = Path.of("target", "kiln").toAbsolutePath();
        try (Stream<Path> files = Files.walk(built)) {
            for (Path from : files.toList()) {
                Path to = dist.resolve(built.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    @Test
    void aFreshCopyMakesItsStartUpArchiveAndServesPicocliAndTheWritersFromIt() throws Exception {
        Path raw = sample();
        Path log = tmp.resolve("classes.log");

        Run version = kiln(Map.of(), "--version");
        Run convert = kiln(Map.of("KILN_JAVA_OPTS", "-Xlog:class+load:file=" + log),
                "convert", raw.toString(), tmp.resolve("out.qcow2").toString(), "-f", "qcow2");

        assertThat(version.code()).as(version.stderr()).isZero();
        assertThat(version.stdout()).startsWith("kiln ");
        assertThat(archives(cache)).singleElement().satisfies(a -> assertThat(a).isNotEmptyFile());
        assertThat(convert.code()).as(convert.stderr()).isZero();
        assertThat(tmp.resolve("out.qcow2")).isNotEmptyFile();
        String classes = Files.readString(log);
        assertThat(classes).contains("picocli.CommandLine source: shared objects file",
                "dev.kiln.disk.qcow2.Qcow2Writer source: shared objects file");
    }

    @Test
    void theFirstRunSaysOnceOnStderrThatItMakesTheArchive() throws Exception {
        Map<String, String> env = Map.of("XDG_CACHE_HOME", tmp.resolve("fresh-cache").toString());

        Run first = kiln(env, "--version");
        Run second = kiln(env, "--version");

        assertThat(first.code()).as(first.stderr()).isZero();
        assertThat(first.stderr()).isEqualTo("kiln: making the start-up archive, once per install "
                + "(a few seconds; KILN_CDS=off skips it)\n");
        assertThat(second.stderr()).isEmpty();
        assertThat(second.stdout()).isEqualTo(first.stdout()).startsWith("kiln ");
    }

    @Test
    void anAwsCommandPrintsNoSlf4jWarning() throws Exception {
        Path none = tmp.resolve("no-aws-config");
        Run run = kiln(Map.of("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY", "example",
                        "AWS_CONFIG_FILE", none.toString(), "AWS_SHARED_CREDENTIALS_FILE", none.toString()),
                "run", "aws", "--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:1", "--dry-run", "ami-1");

        assertThat(run.code()).as(run.stderr()).isNotZero();
        assertThat(run.stderr()).contains("check credentials").doesNotContain("SLF4J");
    }

    @Test
    void withTheArchiveOffClassesComeFromTheJars() throws Exception {
        Path log = tmp.resolve("classes.log");

        Run version = kiln(Map.of("KILN_CDS", "off", "KILN_JAVA_OPTS", "-Xlog:class+load:file=" + log), "--version");

        assertThat(version.code()).as(version.stderr()).isZero();
        assertThat(Files.readString(log)).contains("picocli.CommandLine source: file:")
                .doesNotContain("picocli.CommandLine source: shared objects file");
    }

    @Test
    void theArchiveGoesToTheUsersCacheAndNothingIntoTheInstallFolder() throws Exception {
        Path freshCache = tmp.resolve("cache");
        List<String> before = listing(dist);

        Run version = kiln(Map.of("XDG_CACHE_HOME", freshCache.toString()), "--version");

        assertThat(version.code()).as(version.stderr()).isZero();
        assertThat(archives(freshCache)).singleElement().satisfies(a -> assertThat(a).isNotEmptyFile());
        assertThat(listing(dist)).isEqualTo(before);
    }

    @Test
    void withoutXdgCacheHomeTheArchiveGoesUnderHomeDotCache() throws Exception {
        Path home = tmp.resolve("home");
        Map<String, String> env = new HashMap<>(Map.of("HOME", home.toString(), "XDG_CACHE_HOME", ""));

        Run version = kiln(env, "--version");

        assertThat(version.code()).as(version.stderr()).isZero();
        assertThat(archives(home.resolve(".cache"))).singleElement().satisfies(a -> assertThat(a).isNotEmptyFile());
    }

    private static List<Path> archives(Path cacheHome) throws IOException {
        Path dir = cacheHome.resolve("kiln");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jsa")).toList();
        }
    }

    /** Every path under {@code root} with its size and modification time. */
    private static List<String> listing(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            List<String> out = new ArrayList<>();
            for (Path f : files.sorted().toList()) {
                out.add(root.relativize(f) + " " + Files.size(f) + " " + Files.getLastModifiedTime(f));
            }
            return out;
        }
    }

    @Test
    void aWarmRunStartsNoProgramButJavaAndMapsTheArchiveWithoutRelocatingIt() throws Exception {
        Path cds = tmp.resolve("cds.log");
        Path classes = tmp.resolve("warm-classes.log");
        Map<String, String> jdk = Map.of("JAVA_HOME", System.getProperty("java.home"));
        Map<String, String> warm = new HashMap<>(jdk);
        // nothing but java can be started: a launcher that ran dirname, uname, cksum or find would fail or
        // miss its archive
        warm.put("PATH", tmp.resolve("no-programs").toString());
        warm.put("KILN_JAVA_OPTS", "-Xlog:cds:file=" + cds + " -Xlog:class+load:file=" + classes);

        Run first = kiln(jdk, "--version");
        Run second = kiln(warm, "--version");

        assertThat(first.code()).as(first.stderr()).isZero();
        assertThat(second.code()).as(second.stderr()).isZero();
        assertThat(second.stderr()).isEmpty();
        assertThat(second.stdout()).isEqualTo(first.stdout()).startsWith("kiln ");
        assertThat(Files.readString(classes)).contains("picocli.CommandLine source: shared objects file");
        assertThat(Files.readString(cds)).contains("Mapped static")
                .doesNotContain("always map archive(s) at an alternative address");
        assertThat(dist.resolve("lib/native/com/sun/jna/linux-x86-64/libjnidispatch.so"))
                .as("JNA's native part, unpacked so that runs do not extract it").isNotEmptyFile();
    }

    @Test
    void theDistributionCarriesTheClassListButNotTheTrainingThatMadeIt() throws Exception {
        assertThat(dist.resolve("lib/kiln.classlist")).content().contains("picocli/CommandLine");
        try (Stream<Path> jars = Files.list(dist.resolve("lib"))) {
            for (Path jar : jars.filter(j -> j.toString().endsWith(".jar")).toList()) {
                try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
                    assertThat(file.getEntry("dev/kiln/cli/StartupTraining.class")).as(jar.toString()).isNull();
                }
            }
        }
    }

    @Test
    void everyCommandsHelpRunsFromTheDistribution() throws Exception {
        for (List<String> args : List.of(List.of("convert", "--help"), List.of("cache", "ls", "--help"),
                List.of("push", "aws", "--help"), List.of("run", "qemu", "--help"))) {
            Run help = kiln(Map.of(), args.toArray(String[]::new));
            assertThat(help.code()).as("%s: %s", args, help.stderr()).isZero();
            assertThat(help.stdout()).contains("Usage: kiln " + String.join(" ", args.subList(0, args.size() - 1)));
        }
    }

    @Test
    void aPushGetsAFixedYoungGenerationSoItsRssDoesNotFollowTheMachinesRam() throws Exception {
        Map<String, String> flags = Map.of("KILN_JAVA_OPTS", "-XX:+PrintCommandLineFlags");

        Run push = kiln(flags, "--output", "json", "push", "openstack", "--help");
        Run convert = kiln(flags, "convert", "--help");
        Run overridden = kiln(Map.of("KILN_JAVA_OPTS", "-XX:+PrintCommandLineFlags -Xmn64m"), "push", "aws", "--help");

        assertThat(push.code()).as(push.stderr()).isZero();
        assertThat(push.stdout()).contains("-XX:MaxNewSize=25165824").contains("Usage: kiln push openstack");
        assertThat(convert.stdout()).doesNotContain("-XX:MaxNewSize=").contains("Usage: kiln convert");
        assertThat(overridden.stdout()).as("KILN_JAVA_OPTS has the last word").contains("-XX:MaxNewSize=67108864");
    }

    private Path sample() throws IOException {
        Path raw = tmp.resolve("disk.raw");
        try (RandomAccessFile file = new RandomAccessFile(raw.toFile(), "rw")) {
            file.setLength(16L << 20);
            file.seek(1L << 20);
            file.write("some data in a sparse disk".getBytes(StandardCharsets.US_ASCII));
        }
        return raw;
    }

    @Test
    void eachProviderShipsInItsOwnFolderAndLoadsFromThere() throws Exception {
        List<String> core;
        try (Stream<Path> jars = Files.list(dist.resolve("lib"))) {
            core = jars.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).toList();
        }

        Run providers = kiln(Map.of(), "--output", "json", "providers");

        assertThat(core).as("the class path of the CLI").anyMatch(n -> n.startsWith("kiln-api"))
                .anyMatch(n -> n.startsWith("kiln-provider-spi"))
                .noneMatch(n -> n.startsWith("kiln-provider-aws") || n.startsWith("kiln-provider-gcp")
                        || n.startsWith("kiln-provider-qemu") || n.startsWith("ec2-") || n.startsWith("google-cloud"));
        for (String name : List.of("aws", "gcp", "qemu")) {
            try (Stream<Path> jars = Files.list(dist.resolve("lib/providers/" + name))) {
                assertThat(jars.map(p -> p.getFileName().toString()))
                        .as("lib/providers/%s", name).anyMatch(n -> n.startsWith("kiln-provider-" + name))
                        .noneMatch(n -> n.startsWith("kiln-provider-spi") || n.startsWith("kiln-api"));
            }
        }
        assertThat(providers.code()).as(providers.stderr()).isZero();
        assertThat(providers.stdout()).contains("\"name\" : \"aws\"", "\"name\" : \"gcp\"", "\"name\" : \"qemu\"");
    }

    @Test
    void aProviderFolderNamedByKilnPluginPathAppearsWithNoRebuild() throws Exception {
        Path plugins = tmp.resolve("plugins");
        Path copy = Files.createDirectories(plugins.resolve("qemu-again"));
        try (Stream<Path> jars = Files.list(dist.resolve("lib/providers/qemu"))) {
            for (Path jar : jars.toList()) {
                Files.copy(jar, copy.resolve(jar.getFileName()));
            }
        }
        Path moved = dist.resolve("lib/providers-moved");
        Files.move(dist.resolve("lib/providers/qemu"), moved);
        try {
            Run without = kiln(Map.of(), "providers");
            Run with = kiln(Map.of("KILN_PLUGIN_PATH", plugins.toString()), "providers");

            assertThat(without.stdout()).doesNotContain("qemu");
            assertThat(with.stdout()).contains("qemu");
        } finally {
            Files.move(moved, dist.resolve("lib/providers/qemu"));
        }
    }

    private record Run(int code, String stdout, String stderr) {
    }

    private Run kiln(Map<String, String> env, String... args) throws Exception {
        ProcessBuilder pb = HostTools.command(Stream.concat(Stream.of("sh", dist.resolve("bin/kiln").toString()),
                Stream.of(args)).toList());
        pb.environment().put("XDG_CACHE_HOME", cache.toString());
        pb.environment().putAll(env);
        pb.environment().put("CI", "true");
        pb.redirectOutput(tmp.resolve("stdout").toFile()).redirectError(tmp.resolve("stderr").toFile());
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("kiln %s finished", String.join(" ", args)).isTrue();
        Run run = new Run(p.exitValue(), Files.readString(tmp.resolve("stdout")), Files.readString(tmp.resolve("stderr")));
        ResultDocuments.checkRun(args, run.stdout());
        return run;
    }
}
