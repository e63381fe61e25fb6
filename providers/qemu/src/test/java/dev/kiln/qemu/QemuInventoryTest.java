package dev.kiln.qemu;

import dev.kiln.api.Events;
import dev.kiln.api.CancelToken;
import dev.kiln.api.KilnException;
import dev.kiln.api.Lifecycle;
import dev.kiln.spi.Made;
import dev.kiln.spi.Provider;
import dev.kiln.spi.Resource;
import dev.kiln.spi.RunRequest;
import dev.kiln.testkit.ProviderHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code kiln ls qemu} and {@code kiln rm qemu} over real state folders. Where a guest would run, a stand-in
 * takes qemu's place: a shell that blocks on a FIFO nobody writes, started with qemu's arguments, so its command
 * line carries {@code -pidfile} as a daemonized qemu's does.
 */
class QemuInventoryTest {

    @TempDir
    Path tmp;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopStandIns() {
        started.forEach(Process::destroyForcibly);
        ProcessHandle.current().children().forEach(ProcessHandle::destroyForcibly);
    }

    private Path kernelInitrd(String name) throws IOException {
        Path prefix = tmp.resolve(name);
        Files.writeString(Path.of(prefix + "-kernel"), "kernel");
        Files.writeString(Path.of(prefix + "-initrd.img"), "initrd");
        return prefix;
    }

    /** qemu -daemonize as kiln sees it: a background process with qemu's arguments, its pid in -pidfile, exit 0. */
    private Path daemonizingQemu() throws IOException, InterruptedException {
        Path fifo = fifo();
        Path script = Files.writeString(tmp.resolve("fake-qemu"), "#!/bin/sh\n"
                + "for a; do [ \"$prev\" = -pidfile ] && pidfile=$a; prev=$a; done\n"
                + "sh -c 'read x < \"$0\"' " + fifo + " \"$@\" </dev/null >/dev/null 2>&1 &\n"
                + "echo $! > \"$pidfile\"\n");
        assertThat(script.toFile().setExecutable(true)).isTrue();
        return script;
    }

    private Path fifo() throws IOException, InterruptedException {
        Path fifo = tmp.resolve("never-written");
        if (!Files.exists(fifo)) {
            assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        }
        return fifo;
    }

    /** A process blocked on the FIFO whose command line is {@code args}; {@code trap} ignores SIGTERM. */
    private long standIn(boolean ignoreTerm, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", (ignoreTerm ? "trap '' TERM; " : "")
                + "read x < \"$0\"", fifo().toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        started.add(p);
        return p.pid();
    }

    /** A state folder as a run leaves it, with qemu.pid naming {@code pid} when given. */
    private Path stateFolder(Path parent, String name, Long pid) throws IOException {
        Path dir = Files.createDirectories(parent.resolve(name + "-state"));
        Path disk = Files.writeString(dir.resolve("disk0.qcow2"), "disk");
        Files.writeString(dir.resolve("console.log"), "booted");
        Files.writeString(dir.resolve("mac-addr"), "02:00:00:00:00:01");
        if (pid != null) {
            Files.writeString(dir.resolve("qemu.pid"), pid + "\n");
        }
        new RunRecord(name, name + ".raw", Instant.parse("2026-12-01T10:00:00Z"), Optional.empty(), List.of(disk),
                "1.0").write(dir);
        return dir;
    }

    private ProviderHarness harness(Path... dirs) {
        ProviderHarness h = new ProviderHarness(new QemuProviderFactory(), tmp);
        return dirs.length == 0 ? h : h.flag("dir", List.of(dirs).stream().map(Path::toString).toArray(String[]::new));
    }

    @Test
    void aDetachedRunIsListedRunningAndRmStopsItsQemuAndRemovesItsFolder() throws Exception {
        // given: kiln run qemu --wait running, with a stand-in qemu
        Path image = kernelInitrd("hello");
        Path vms = Files.createDirectories(tmp.resolve("vms"));
        Path state = vms.resolve("hello-state");
        ProviderHarness run = harness().flag("qemu", daemonizingQemu().toString()).flag("state", state.toString())
                .flag("accel", "tcg");
        try (Provider provider = new QemuProviderFactory().create(run.runContext())) {
            provider.run(RunRequest.of(image.toString(), "hello", false).withLifecycle(
                    new Lifecycle(Optional.of(Lifecycle.Wait.RUNNING), false, false, Optional.empty())));
        }
        long pid = GuestProcess.readPid(state.resolve("qemu.pid")).orElseThrow();

        try (Provider provider = new QemuProviderFactory().create(harness(vms).inventoryContext())) {
            // when: kiln ls qemu --dir vms
            List<Made> listed = provider.list(Made.Kind.INSTANCE);

            // then: the VM, running, with its process among what rm removes; no images
            assertThat(listed).hasSize(1);
            Made vm = listed.get(0);
            assertThat(vm.id()).isEqualTo(state.toString());
            assertThat(vm.name()).isEqualTo("hello");
            assertThat(vm.state()).isEqualTo("running");
            assertThat(vm.byKiln()).isTrue();
            assertThat(vm.tags()).containsEntry("pid", Long.toString(pid)).containsEntry("image", image.toString());
            assertThat(vm.parts()).contains(Resource.of("process", Long.toString(pid)));
            assertThat(provider.list(Made.Kind.IMAGE)).isEmpty();
            assertThat(provider.find("hello")).extracting(Made::id).containsExactly(state.toString());
            assertThat(provider.find(state.toString())).extracting(Made::id).containsExactly(state.toString());
            assertThat(provider.find("nothing-by-that-name")).isEmpty();

            // when: kiln rm qemu hello
            List<Resource> removed = provider.remove(vm);

            // then: the stand-in qemu is gone, and so is the folder with all in it
            assertThat(ProcessHandle.of(pid).map(h -> h.onExit().orTimeout(60, TimeUnit.SECONDS).join())
                    .filter(ProcessHandle::isAlive)).isEmpty();
            assertThat(removed).startsWith(Resource.of("process", Long.toString(pid))).endsWith(vm.resource())
                    .contains(Resource.of("file", state.resolve(RunRecord.FILE).toString()));
            assertThat(state).doesNotExist();
            assertThat(provider.list(Made.Kind.INSTANCE)).isEmpty();
            assertThat(provider.remove(vm)).as("rm of what is gone").isEmpty();
        }
    }

    @Test
    void aForegroundRunKeepsItsRecordUnlessRm() throws Exception {
        Path image = kernelInitrd("fg");
        Path qemu = Files.writeString(tmp.resolve("exiting-qemu"), "#!/bin/sh\nexit 0\n");
        assertThat(qemu.toFile().setExecutable(true)).isTrue();
        ProviderHarness run = harness().flag("qemu", qemu.toString()).flag("accel", "tcg").flag("interactive", "no");
        Path state = tmp.resolve("fg-state");

        try (Provider provider = new QemuProviderFactory().create(run.runContext())) {
            provider.run(RunRequest.of(image.toString(), "fg", false).withLifecycle(
                    new Lifecycle(Optional.empty(), true, false, Optional.empty())));
        }
        assertThat(state.resolve(RunRecord.FILE)).as("after --rm").doesNotExist();

        try (Provider provider = new QemuProviderFactory().create(run.runContext())) {
            provider.run(RunRequest.of(image.toString(), "fg", false));
        }
        try (Provider provider = new QemuProviderFactory().create(harness(tmp).inventoryContext())) {
            assertThat(provider.list(Made.Kind.INSTANCE)).singleElement().satisfies(m -> {
                assertThat(m.id()).isEqualTo(state.toString());
                assertThat(m.state()).isEqualTo("stopped");
                assertThat(m.parts()).noneMatch(r -> r.type().equals("process"));
            });
        }
    }

    @Test
    void rmKeepsWhatKilnDidNotMakeAndLeavesAProcessThatIsNotThisVmsQemuAlone() throws Exception {
        // given: qemu.pid names a live process whose command line is not this VM's qemu (a reused pid)
        long other = standIn(false, "-pidfile", tmp.resolve("elsewhere/qemu.pid").toString());
        Path dir = stateFolder(tmp, "web", other);
        Files.writeString(dir.resolve("notes.txt"), "the user's own");

        try (Provider provider = new QemuProviderFactory().create(harness(tmp).inventoryContext())) {
            Made vm = provider.find("web").get(0);
            assertThat(vm.state()).isEqualTo("stopped");

            List<Resource> removed = provider.remove(vm);

            assertThat(removed).extracting(Resource::id).containsExactly(dir.resolve("disk0.qcow2").toString(),
                    dir.resolve("console.log").toString(), dir.resolve("qemu.pid").toString(),
                    dir.resolve("mac-addr").toString(), dir.resolve(RunRecord.FILE).toString());
        }
        assertThat(ProcessHandle.of(other).filter(ProcessHandle::isAlive)).as("the other process").isPresent();
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("notes.txt");
        }
    }

    @Test
    void aQemuThatIgnoresSigtermIsKilled() throws Exception {
        Path dir = tmp.resolve("stubborn-state");
        long pid = standIn(true, "-pidfile", dir.resolve("qemu.pid").toString());
        stateFolder(tmp, "stubborn", pid);
        QemuInventory inventory = new QemuInventory(List.of(tmp), Events.none(), CancelToken.create(),
                new GuestProcess(Duration.ofMillis(300)));

        Made vm = inventory.find("stubborn").get(0);
        assertThat(vm.state()).isEqualTo("running");
        inventory.remove(vm);

        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(dir).doesNotExist();
    }

    @Test
    void lsLooksInKilnQemuDirsAndFindsEveryVmOfAName() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        Path first = stateFolder(a, "twin", null);
        Path second = stateFolder(b, "twin", null);
        Files.createDirectories(a.resolve("not-a-vm"));
        Files.writeString(Files.createDirectories(a.resolve("broken")).resolve(RunRecord.FILE), "name=x\n");

        ProviderHarness byEnv = new ProviderHarness(new QemuProviderFactory(), tmp).env("KILN_QEMU_DIRS", a + "," + b);
        try (Provider provider = new QemuProviderFactory().create(byEnv.inventoryContext())) {
            assertThat(provider.list(Made.Kind.INSTANCE)).extracting(Made::id)
                    .containsExactlyInAnyOrder(first.toString(), second.toString());
            assertThat(provider.find("twin")).hasSize(2);
        }
    }

    @Test
    void aRecordThatCannotBeReadIsAnErrorSayingWhichFile() throws Exception {
        Path dir = stateFolder(tmp, "locked", null);
        Path record = dir.resolve(RunRecord.FILE);
        assertThat(record.toFile().setReadable(false)).isTrue();
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.isReadable(record), "running as root reads any file");

        assertThatThrownBy(() -> RunRecord.read(dir)).isInstanceOf(KilnException.class)
                .hasMessageContaining(record.toString());
    }
}
