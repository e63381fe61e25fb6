package dev.kiln.qemu;

import dev.kiln.spi.Resource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What one run made (new disks, the seed CD, a new UEFI variable store), so a failure, Ctrl-C or
 * {@code --rm} removes exactly that and nothing the user already had.
 */
final class CreatedFiles {

    private record Made(String type, Path file) {
    }

    private final List<Made> made = new ArrayList<>();

    void add(String type, Path file) {
        made.add(new Made(type, file));
    }

    List<Resource> resources() {
        return made.stream().map(m -> new Resource(m.type(), m.file().toString(), "")).toList();
    }

    /** Deletes everything recorded, newest first; returns what was removed, for the message. */
    List<String> removeAll() {
        List<String> removed = new ArrayList<>();
        for (int i = made.size() - 1; i >= 0; i--) {
            Made m = made.get(i);
            try {
                if (Files.deleteIfExists(m.file())) {
                    removed.add(m.type() + " " + m.file());
                }
            } catch (IOException e) {
                removed.add(m.type() + " " + m.file() + " (could not be removed: " + e.getMessage() + ")");
            }
        }
        return removed;
    }

    boolean isEmpty() {
        return made.isEmpty();
    }
}
