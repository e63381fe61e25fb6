package dev.kiln.qemu;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code --wait running}: qemu's {@code -daemonize} forks the VM into the background once it is set up
 * and then exits, so a zero exit means the VM runs; its pid is in the state directory's
 * {@code qemu.pid} and the console in {@code console.log}.
 */
final class DetachedRun {

    /** How long qemu may take to set the VM up and go to the background, unless --timeout says. */
    static final Duration START = Duration.ofSeconds(60);

    private final Events events;
    private final ProcessWait waits;

    DetachedRun(Events events, ProcessWait waits) {
        this.events = events;
        this.waits = waits;
    }

    /** Starts the VM and returns its pid once it runs in the background, within {@code timeout}. */
    String start(List<String> argv, QemuVm vm, Optional<Duration> timeout) throws InterruptedException {
        events.phase("start " + vm.name() + " in the background");
        Process qemu;
        try {
            qemu = new ProcessBuilder(argv).redirectInput(QemuImg.NO_INPUT).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw KilnException.tried("start " + argv.get(0), KilnException.reason(e),
                    "install Debian's qemu-system-x86 or point --qemu (or $KILN_QEMU) at qemu-system-x86_64");
        }
        Duration limit = timeout.orElse(START);
        Optional<Integer> exit;
        try (var hook = waits.stopOnCancel(qemu)) {
            exit = waits.exit(qemu, Optional.of(limit));
        } catch (InterruptedException e) {
            ConsoleRunner.stop(qemu);
            throw e;
        }
        if (exit.isEmpty()) {
            ConsoleRunner.stop(qemu);
            throw KilnException.tried("start " + vm.name() + " in qemu", "qemu did not go to the background "
                    + "within " + dev.kiln.api.Poll.human(limit), "run with --wait stopped to see why, or raise --timeout");
        }
        String output = read(qemu).trim();
        if (exit.get() != 0) {
            throw KilnException.tried("start " + vm.name() + " in qemu", "qemu exited with " + exit.get()
                    + (output.isEmpty() ? "" : ": " + output), "check the image and the flags (-v shows the "
                    + "qemu command line)");
        }
        String pid = pid(vm.pidFile());
        events.info(vm.name() + " runs as process " + pid + "; console in " + vm.consoleLog()
                + "; stop it with kill " + pid);
        return pid;
    }

    private static String read(Process qemu) {
        try {
            return new String(qemu.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String pid(Path pidFile) {
        try {
            return Files.readString(pidFile, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw KilnException.tried("read qemu's pid file " + pidFile, KilnException.reason(e),
                    "find the VM with ps and the state directory's name");
        }
    }
}
