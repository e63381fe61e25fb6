package dev.kiln.qemu;

import dev.kiln.api.KilnException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A VM's qemu process as {@code kiln rm qemu} sees it: the process a pid file names is that VM's qemu only when
 * its command line carries {@code -pidfile} with that file (a pid may have been reused since), and stopping it is
 * SIGTERM, then SIGKILL after {@link #bound}.
 */
final class GuestProcess {

    /** How long qemu gets to exit on SIGTERM before SIGKILL, and SIGKILL before kiln gives up. */
    static final Duration STOP = Duration.ofSeconds(10);

    private final Duration bound;

    GuestProcess(Duration bound) {
        this.bound = bound;
    }

    static Optional<Long> readPid(Path pidFile) {
        try {
            return Optional.of(Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code pid} runs and is the qemu that writes {@code pidFile}. */
    boolean isGuest(long pid, Path pidFile) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (handle.isEmpty()) {
            return false;
        }
        Optional<String[]> args = handle.get().info().arguments();
        if (args.isEmpty()) {
            throw KilnException.tried("tell whether process " + pid + " is the VM of " + pidFile.getParent(),
                    "its command line cannot be read (another user's process?)",
                    "check with ps -p " + pid + " -o args and stop it by hand, then remove " + pidFile.getParent());
        }
        List<String> list = List.of(args.get());
        int at = list.indexOf("-pidfile");
        return at >= 0 && at + 1 < list.size() && Path.of(list.get(at + 1)).toAbsolutePath().normalize()
                .equals(pidFile.toAbsolutePath().normalize());
    }

    /** SIGTERM, then SIGKILL if it still runs after the bound; fails when even that does not stop it. */
    void stop(long pid, Path pidFile) throws InterruptedException {
        ProcessHandle handle = ProcessHandle.of(pid).orElse(null);
        if (handle == null) {
            return;
        }
        handle.destroy();
        if (exited(handle)) {
            return;
        }
        handle.destroyForcibly();
        if (!exited(handle)) {
            throw KilnException.tried("stop the VM of " + pidFile.getParent() + " (process " + pid + ")",
                    "it still ran " + bound.toSeconds() + " s after SIGTERM and again after SIGKILL",
                    "stop it with sudo kill -9 " + pid + ", then run kiln rm again");
        }
    }

    private boolean exited(ProcessHandle handle) throws InterruptedException {
        try {
            handle.onExit().get(bound.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !handle.isAlive();
        }
    }
}
