package dev.kiln.aws;

import dev.kiln.api.DiskSource;
import dev.kiln.api.Events;
import dev.kiln.api.Extent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes every non-zero block of a disk into a snapshot, and only those, with {@code workers}
 * threads that each read, zero-check, hash and send one block at a time (so memory stays at one
 * block per worker). Blocks outside the disk's data extents are never read.
 */
final class SnapshotBlocks {

    private final BlockSink put;
    private final int workers;
    private final dev.kiln.api.CancelToken cancel;
    private final Events events;
    private final Map<Long, byte[]> digests = new ConcurrentSkipListMap<>();
    private final AtomicLong blocksRead = new AtomicLong();
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();

    SnapshotBlocks(BlockSink put, int workers, dev.kiln.api.CancelToken cancel, Events events) {
        this.put = put;
        this.workers = workers;
        this.cancel = cancel;
        this.events = events;
    }

    UploadStats write(DiskSource disk, String snapshotId, int blockSize) throws IOException, InterruptedException {
        List<Extent> extents = disk.extents();
        BlockCursor cursor = new BlockCursor(extents, blockSize);
        long total = BlockCursor.count(extents, blockSize);
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "kiln-ebs-block");
            t.setDaemon(true);
            return t;
        });
        byte[] zeros = new byte[blockSize];
        try {
            CompletionService<Void> done = new ExecutorCompletionService<>(pool);
            for (int i = 0; i < workers; i++) {
                done.submit(() -> work(disk, snapshotId, blockSize, cursor, total, zeros));
            }
            for (int i = 0; i < workers; i++) {
                await(done.take());
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
        events.items("blocks", total, total);
        return new UploadStats(blocksRead.get(), bytesRead.get(), digests.size(), bytesSent.get());
    }

    /** LINEAR aggregate: SHA-256 over the per-block digests in block-index order. */
    byte[] aggregate() {
        MessageDigest md = sha256();
        digests.values().forEach(md::update);
        return md.digest();
    }

    private Void work(DiskSource disk, String snapshotId, int blockSize, BlockCursor cursor, long total, byte[] zeros)
            throws IOException, InterruptedException {
        byte[] block = new byte[blockSize];
        ByteBuffer buffer = ByteBuffer.wrap(block);
        MessageDigest md = sha256();
        for (long index; (index = cursor.next()) >= 0; ) {
            cancel.throwIfCancelled();
            long offset = index * blockSize;
            buffer.clear();
            disk.read(offset, buffer);
            bytesRead.addAndGet(Math.min(blockSize, disk.size() - offset));
            long read = blocksRead.incrementAndGet();
            if (read % 64 == 0) {
                events.items("blocks", read, total);
            }
            if (Arrays.equals(block, zeros)) {
                continue;
            }
            byte[] sha = md.digest(block);
            put.put(snapshotId, index, block, sha);
            digests.put(index, sha);
            bytesSent.addAndGet(blockSize);
        }
        return null;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** The first failing worker stops them all (the caller's finally shuts the pool down). */
    private static void await(Future<Void> f) throws IOException, InterruptedException {
        try {
            f.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof InterruptedException ie) {
                throw ie;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(cause);
        }
    }
}
