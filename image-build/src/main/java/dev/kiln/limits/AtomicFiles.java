package dev.kiln.limits;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Output files written so that whatever already sits at the target (a symlink to {@code ~/.bashrc}, planted in
 * a shared output folder) is replaced, never written through: the bytes go to a new temporary file in the same
 * folder, which is then renamed over the target. A reader never sees a half-written file either.
 */
public final class AtomicFiles {

    /** Writes the content of one output. */
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    public static void write(Path target, Writer writer) throws IOException {
        if (isStream(target)) {
            try (OutputStream out = Files.newOutputStream(target)) {
                writer.write(out);
            }
            return;
        }
        Path dir = target.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".partial");
        try {
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS)) {
                writer.write(out);
            }
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * A stream the user named on purpose ({@code /dev/stdout}, {@code /dev/fd/3}, a FIFO): written through, as
     * renaming over it would replace the device node rather than write to it.
     */
    static boolean isStream(Path target) {
        String p = target.toString();
        if (p.startsWith("/dev/") || p.startsWith("/proc/self/fd/")) {
            return true;
        }
        try {
            var attrs = Files.readAttributes(target, java.nio.file.attribute.BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            return attrs.isOther();
        } catch (IOException e) {
            return false;
        }
    }

    public static void writeString(Path target, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(target, out -> out.write(bytes));
    }

    /**
     * Opens {@code file} fresh for a writer that needs a channel: a symlink (or anything) already there is
     * removed first and the file is created new, so the write never lands on a link's target.
     */
    public static void removeExisting(Path file) throws IOException {
        if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(file + " is a directory");
        }
        Files.deleteIfExists(file);
    }
}
