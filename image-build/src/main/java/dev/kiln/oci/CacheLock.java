package dev.kiln.oci;

import dev.kiln.api.KilnException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Guards one cache directory against other threads and other kiln processes. Two are used per
 * cache: "gc", held shared by everything that reads or writes blobs and exclusively by {@code gc}
 * (so it cannot delete a blob that is about to be referenced), and "index", held exclusively
 * for each read-modify-write of {@code index.json}.
 *
 * <p>A JVM may hold only one {@link FileLock} per file, so threads of this JVM coordinate through a
 * read-write lock and the first reader takes the shared OS lock for all of them.
 */
final class CacheLock {

    private static final ConcurrentHashMap<Path, CacheLock> LOCKS = new ConcurrentHashMap<>();

    private final Path file;
    private final ReentrantReadWriteLock threads = new ReentrantReadWriteLock(true);
    private final Object osLock = new Object();
    private FileChannel channel;
    private FileLock held;
    private int readers;

    private CacheLock(Path file) {
        this.file = file;
    }

    /** The lock of {@code dir} called {@code name}: "gc" for blob lifetimes, "index" for {@code index.json}. */
    static CacheLock of(Path dir, String name) {
        Path key = dir.toAbsolutePath().normalize().resolve(".kiln-" + name + ".lock");
        return LOCKS.computeIfAbsent(key, CacheLock::new);
    }

    /** A shared hold, released by closing it. */
    Hold shared() {
        threads.readLock().lock();
        try {
            synchronized (osLock) {
                if (readers++ == 0) {
                    acquire(true);
                }
            }
        } catch (RuntimeException e) {
            synchronized (osLock) {
                readers--;
            }
            threads.readLock().unlock();
            throw e;
        }
        return () -> {
            synchronized (osLock) {
                if (--readers == 0) {
                    release();
                }
            }
            threads.readLock().unlock();
        };
    }

    /** An exclusive hold, released by closing it. Not re-entrant from a thread holding it shared. */
    Hold exclusive() {
        threads.writeLock().lock();
        try {
            synchronized (osLock) {
                acquire(false);
            }
        } catch (RuntimeException e) {
            threads.writeLock().unlock();
            throw e;
        }
        return () -> {
            synchronized (osLock) {
                release();
            }
            threads.writeLock().unlock();
        };
    }

    private void acquire(boolean shared) {
        try {
            Files.createDirectories(file.getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
            held = channel.lock(0, Long.MAX_VALUE, shared);
        } catch (IOException e) {
            closeQuietly();
            throw KilnException.tried("lock the image cache " + file.getParent(), e.toString(),
                    "check that the directory is writable", e);
        }
    }

    private void release() {
        try {
            if (held != null) {
                held.release();
            }
        } catch (IOException e) {
            // closing the channel below releases the lock as well
        }
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // nothing left to release
        }
        channel = null;
        held = null;
    }

    /** A held lock; closing releases it. */
    interface Hold extends AutoCloseable {
        @Override
        void close();
    }
}
