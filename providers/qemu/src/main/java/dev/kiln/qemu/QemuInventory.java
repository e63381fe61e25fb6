package dev.kiln.qemu;

import dev.kiln.api.CancelToken;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.spi.Made;
import dev.kiln.spi.Resource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code kiln ls qemu} and {@code kiln rm qemu}: the VMs are the state directories holding a {@link RunRecord},
 * looked for in each {@code --dir} and the folders right under it. qemu publishes nothing, so there are no images.
 * {@code rm} stops the VM's qemu (when the process named by its pid file is that qemu), then deletes the files
 * kiln made for it and the folder once nothing else is in it.
 */
final class QemuInventory {

    /** What kiln writes in every state directory besides the files a run records. */
    private static final List<String> KILN_FILES = List.of("console.log", "qemu.pid", "mac-addr", "uuid");

    private final List<Path> dirs;
    private final Events events;
    private final CancelToken cancel;
    private final GuestProcess processes;

    QemuInventory(List<Path> dirs, Events events, CancelToken cancel, GuestProcess processes) {
        this.dirs = dirs.stream().map(d -> d.toAbsolutePath().normalize()).distinct().toList();
        this.events = events;
        this.cancel = cancel;
        this.processes = processes;
    }

    List<Made> list(Made.Kind kind) throws InterruptedException {
        if (kind == Made.Kind.IMAGE) {
            return List.of();
        }
        Map<Path, Made> found = new LinkedHashMap<>();
        for (Path dir : dirs) {
            cancel.throwIfCancelled();
            candidates(dir).forEach(d -> describe(d).ifPresent(m -> found.putIfAbsent(d, m)));
        }
        return found.values().stream().sorted(Comparator.comparing((Made m) -> m.created().orElseThrow()).reversed())
                .toList();
    }

    /** A state directory by its path (anywhere), else the VMs of that name in the folders looked in. */
    List<Made> find(String idOrName) throws InterruptedException {
        Path path = Path.of(idOrName).toAbsolutePath().normalize();
        if (Files.isDirectory(path)) {
            Optional<Made> byPath = describe(path);
            if (byPath.isPresent()) {
                return List.of(byPath.get());
            }
        }
        return list(Made.Kind.INSTANCE).stream().filter(m -> m.name().equals(idOrName)).toList();
    }

    /** Stops the VM, deletes what kiln made for it, then the folder when it is empty; a folder gone is no error. */
    List<Resource> remove(Made made) throws InterruptedException {
        Path dir = Path.of(made.id());
        Optional<RunRecord> record = RunRecord.read(dir);
        if (record.isEmpty()) {
            return List.of();
        }
        List<Resource> removed = new ArrayList<>();
        Optional<Long> pid = runningPid(dir, record.get());
        if (pid.isPresent()) {
            processes.stop(pid.get(), dir.resolve("qemu.pid"));
            removed.add(Resource.of("process", pid.get().toString()));
        }
        List<Path> files = files(dir, record.get());
        files.add(dir.resolve(RunRecord.FILE));
        for (Path f : files) {
            try {
                if (Files.deleteIfExists(f)) {
                    removed.add(Resource.of("file", f.toString()));
                }
            } catch (IOException e) {
                throw KilnException.tried("remove " + made, "deleting " + f + " failed: " + KilnException.reason(e),
                        describeRemoved(removed) + "remove the rest with rm -r " + dir);
            }
        }
        if (emptyFolder(dir)) {
            removed.add(made.resource());
        } else {
            events.info("kept the folder " + dir + ": it holds files kiln did not make");
        }
        return removed;
    }

    private static String describeRemoved(List<Resource> removed) {
        return removed.isEmpty() ? "" : "removed " + String.join(", ", removed.stream()
                .map(r -> r.type() + " " + r.id()).toList()) + "; ";
    }

    private static boolean emptyFolder(Path dir) {
        try {
            Files.delete(dir);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code dir} and the folders right in it. */
    private static List<Path> candidates(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        out.add(dir);
        try (Stream<Path> children = Files.list(dir)) {
            children.filter(Files::isDirectory).sorted().forEach(out::add);
        } catch (IOException e) {
            throw KilnException.tried("list " + dir, KilnException.reason(e), "check --dir names a readable folder");
        }
        return out;
    }

    private Optional<Made> describe(Path dir) {
        return RunRecord.read(dir).map(r -> {
            Optional<Long> pid;
            String state;
            try {
                pid = runningPid(dir, r);
                state = pid.isPresent() ? "running" : "stopped";
            } catch (KilnException e) {
                // another user's process holds the pid: ls says so, rm refuses with the message
                pid = Optional.empty();
                state = "unknown";
            }
            Optional<Long> running = pid;
            Made.Builder b = Made.builder(Made.Kind.INSTANCE, dir.toString()).name(r.name()).created(r.started())
                    .state(state);
            running.ifPresent(p -> b.part(Resource.of("process", p.toString())));
            files(dir, r).stream().filter(Files::exists).forEach(f -> b.part(Resource.of("file", f.toString())));
            b.part(Resource.of("file", dir.resolve(RunRecord.FILE).toString()));
            Map<String, String> tags = new LinkedHashMap<>();
            tags.put("image", r.image());
            running.ifPresent(p -> tags.put("pid", p.toString()));
            tags.put("kiln:version", r.kilnVersion());
            return b.tags(tags).build();
        });
    }

    /** The files to delete: what the runs made, then what kiln keeps in every state directory. */
    private static List<Path> files(Path dir, RunRecord record) {
        List<Path> files = new ArrayList<>(record.files());
        KILN_FILES.stream().map(dir::resolve).filter(f -> !files.contains(f)).forEach(files::add);
        return files;
    }

    /** The pid of this VM's qemu when it runs: from the pid file (or the record) and only if it is that qemu. */
    private Optional<Long> runningPid(Path dir, RunRecord record) {
        Path pidFile = dir.resolve("qemu.pid");
        Optional<Long> pid = GuestProcess.readPid(pidFile).or(record::pid);
        return pid.filter(p -> processes.isGuest(p, pidFile));
    }
}
