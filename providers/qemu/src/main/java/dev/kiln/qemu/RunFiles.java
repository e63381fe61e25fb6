package dev.kiln.qemu;

import dev.kiln.spi.Cleanup;
import dev.kiln.spi.Resource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What one run made (new disks, the seed CD, a new UEFI variable store): each file is an undo step in the
 * command's {@link Cleanup}, so a failure, Ctrl-C or {@code --rm} removes exactly that and nothing the user
 * already had, and a resource in the result.
 */
final class RunFiles {

    private final Cleanup cleanup;
    private final List<Resource> resources = new ArrayList<>();

    RunFiles(Cleanup cleanup) {
        this.cleanup = cleanup;
    }

    /** {@code file} was made by this run; {@code type} names it for messages and the result ("disk"). */
    synchronized void add(String type, Path file) {
        cleanup.add(type + " " + file, "rm " + file, () -> Files.deleteIfExists(file));
        resources.add(Resource.of(type, file.toString()));
    }

    synchronized List<Resource> resources() {
        return List.copyOf(resources);
    }

    /** What would be removed, newest first, each with how to remove it by hand. */
    List<String> pendingNames() {
        return cleanup.pending();
    }

    /** Whether anything is still to be removed. */
    boolean pending() {
        return !cleanup.isEmpty();
    }

    /** Removes everything made, newest first: "removed disk /s/disk.img, ..." or empty when nothing was made. */
    String removeAll() {
        return cleanup.undo();
    }

    /** The run succeeded and the files stay. */
    void keepAll() {
        cleanup.clear();
    }
}
