package dev.kiln.build;

import dev.kiln.api.Events;
import dev.kiln.api.Trees;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

/**
 * The build's scratch folders ({@code .kiln-build-*}, several GiB while a disk is written). Each holds a
 * {@code .owner} file its build keeps locked; the lock dies with the process, even on {@code kill -9}. A new
 * build sweeps the folders beside its own whose lock it can take: their builds are gone.
 */
final class BuildFolders {

    static final String PREFIX = ".kiln-build-";
    static final String OWNER = ".owner";
    /** A folder without an owner file is another build's only in the instant between mkdir and lock. */
    private static final Duration UNOWNED_GRACE = Duration.ofMinutes(10);

    private BuildFolders() {
    }

    /** A held build folder; closing releases the lock (the caller deletes the folder). */
    record Held(Path dir, FileChannel channel) implements Closeable {
        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    static Held create(Path base) throws IOException {
        Path dir = Files.createTempDirectory(Files.createDirectories(base), PREFIX);
        FileChannel ch = FileChannel.open(dir.resolve(OWNER), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ch.lock();
        return new Held(dir, ch);
    }

    /** Removes the build folders in {@code base} whose builds are gone; returns how many. */
    static int sweep(Path base, Path keep, Events events) {
        int removed = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(base, PREFIX + "*")) {
            for (Path d : dirs) {
                if (d.equals(keep) || !Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS) || !abandoned(d)) {
                    continue;
                }
                Trees.deleteQuietly(d);
                if (!Files.exists(d, LinkOption.NOFOLLOW_LINKS)) {
                    removed++;
                    events.info("removed " + d + ", left by a build that was killed");
                }
            }
        } catch (IOException e) {
            return removed;
        }
        return removed;
    }

    private static boolean abandoned(Path dir) {
        Path owner = dir.resolve(OWNER);
        if (!Files.exists(owner, LinkOption.NOFOLLOW_LINKS)) {
            try {
                FileTime t = Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS);
                return t.toInstant().isBefore(Instant.now().minus(UNOWNED_GRACE));
            } catch (IOException e) {
                return false;
            }
        }
        try (FileChannel ch = FileChannel.open(owner, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                return false;
            }
            lock.release();
            return true;
        } catch (OverlappingFileLockException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
