package dev.kiln.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClientBuilder;
import com.azure.storage.blob.models.PageRange;
import com.azure.storage.blob.options.PageBlobUploadPagesOptions;
import com.azure.storage.blob.specialized.PageBlobClient;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.kiln.api.CancelToken;
import dev.kiln.api.KilnException;
import dev.kiln.api.Events;
import dev.kiln.api.Extent;
import dev.kiln.api.Retry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Put Page of the disk's data through the write SAS Azure granted (or to a page blob in the user's account): only
 * ranges holding non-zero bytes, each cut to its first and last sector holding data, at most 4 MiB and 512-aligned,
 * {@code workers} at a time, with no Content-MD5 (managed-disk uploads refuse it). The SAS is used as given: its host
 * is Azure's import/export endpoint, never assumed.
 */
final class PageUpload {

    /**
     * What was sent: requests and bytes, the ranges skipped because they read as zeros, and those skipped because
     * the blob held them already (a resumed upload).
     */
    record Stats(int pages, long bytes, int zeroPagesSkipped, int presentSkipped) {
    }

    private final HttpClient http;
    private final Retry retry;
    private final CancelToken cancel;
    private final Events events;
    private final int workers;

    PageUpload(HttpClient http, Retry retry, CancelToken cancel, Events events, int workers) {
        this.http = http;
        this.retry = retry;
        this.cancel = cancel;
        this.events = events;
        this.workers = Math.max(1, workers);
    }

    /**
     * The write SAS is a URL Azure chose: it is used with no credential but its own (no ARM token goes to its host),
     * and only over https, or plain http to this machine's loopback (a local emulator). Its query, the secret, is
     * never shown.
     */
    static void checkSas(String sasUrl) {
        java.net.URI uri;
        try {
            uri = java.net.URI.create(sasUrl);
        } catch (IllegalArgumentException e) {
            throw KilnException.tried("upload the disk's pages", "Azure's accessSAS is not a URL",
                    "try again; if it persists, report it with the disk's name");
        }
        String host = String.valueOf(uri.getHost());
        boolean loopback = host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]");
        if (!"https".equalsIgnoreCase(uri.getScheme()) && !("http".equalsIgnoreCase(uri.getScheme()) && loopback)) {
            throw KilnException.tried("upload the disk's pages", "the access URL Azure returned is "
                    + uri.getScheme() + "://" + host + "/…, not https", "nothing was sent to it; check for a proxy "
                    + "rewriting ARM's answers, then push again");
        }
    }

    /** One try per request: kiln's Retry decides, with its backoff and the cancel token. */
    static RequestRetryOptions oneTry() {
        return new RequestRetryOptions(RetryPolicyType.FIXED, 1, (Integer) null, null, null, null);
    }

    Stats upload(String sasUrl, AzureDisk disk) throws InterruptedException {
        checkSas(sasUrl);
        PageBlobClient blob = new BlobClientBuilder().endpoint(sasUrl).httpClient(http).retryOptions(oneTry())
                .buildClient().getPageBlobClient();
        return upload(blob, disk, List.of());
    }

    /**
     * Sends the disk's data pages to {@code blob}, but none that {@code present} (sorted, merged ranges the blob
     * already holds, from Get Page Ranges) covers: a push that failed half-way is resumed with only the rest.
     */
    Stats upload(PageBlobClient blob, AzureDisk disk, List<Extent> present) throws InterruptedException {
        AtomicInteger pages = new AtomicInteger();
        AtomicInteger skipped = new AtomicInteger();
        AtomicInteger there = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        AtomicLong done = new AtomicLong();
        long total = disk.ranges().stream().mapToLong(Extent::length).sum();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "kiln-azure-page");
            t.setDaemon(true);
            return t;
        });
        List<Future<?>> running = new java.util.concurrent.CopyOnWriteArrayList<>();
        // one direct buffer per worker, reused: no 4 MiB array per page for the GC, and the socket writes from it
        // without the JDK's per-thread copy into a temporary direct buffer
        ThreadLocal<ByteBuffer> buffers = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(AzureDisk.MAX_PAGE));
        try (FileChannel file = FileChannel.open(disk.file(), StandardOpenOption.READ);
             CancelToken.Registration stop = cancel.onCancel(() -> running.forEach(f -> f.cancel(true)))) {
            for (Extent range : disk.ranges()) {
                running.add(pool.submit(() -> {
                    ByteBuffer data = read(file, range, buffers.get());
                    // zero sectors at either end are not sent: the range shrinks to the data it holds
                    int from = firstDataSector(data);
                    if (from < 0) {
                        skipped.incrementAndGet();
                        events.bytes("upload", done.addAndGet(range.length()), total);
                        return null;
                    }
                    int to = endOfData(data);
                    long start = range.offset() + from;
                    long end = range.offset() + to;
                    if (covered(present, start, end)) {
                        there.incrementAndGet();
                        events.bytes("upload", done.addAndGet(range.length()), total);
                        return null;
                    }
                    String what = "Put Page " + start + "-" + (end - 1);
                    // one buffer per request: the SDK's InputStream overload cuts the body into 512-byte
                    // buffers (8,192 per 4 MiB page), which cost more CPU than the upload itself
                    retry.call(what, () -> blob.uploadPagesWithResponse(new PageBlobUploadPagesOptions(
                            new PageRange().setStart(start).setEnd(end - 1),
                            BinaryData.fromByteBuffer(data.slice(from, to - from))), null, Context.NONE));
                    pages.incrementAndGet();
                    bytes.addAndGet(to - from);
                    events.bytes("upload", done.addAndGet(range.length()), total);
                    return null;
                }));
            }
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    running.forEach(other -> other.cancel(true));
                    Throwable cause = e.getCause();
                    if (cause instanceof InterruptedException ie) {
                        throw ie;
                    }
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(cause);
                } catch (java.util.concurrent.CancellationException e) {
                    throw new InterruptedException("upload cancelled");
                }
            }
            cancel.throwIfCancelled();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            pool.shutdownNow();
        }
        return new Stats(pages.get(), bytes.get(), skipped.get(), there.get());
    }

    /** The range's bytes in {@code buf} (position 0, limit the range's length; zeros past the file's end). */
    private ByteBuffer read(FileChannel file, Extent range, ByteBuffer buf) throws IOException, InterruptedException {
        cancel.throwIfCancelled();
        buf.clear().limit((int) range.length());
        while (buf.hasRemaining()) {
            if (file.read(buf, range.offset() + buf.position()) < 0) {
                while (buf.hasRemaining()) {
                    buf.put((byte) 0);
                }
            }
        }
        return buf.flip();
    }

    /** Sorted, non-overlapping ranges, touching ones joined (Get Page Ranges may cut them anywhere). */
    static List<Extent> merge(List<Extent> ranges) {
        List<Extent> sorted = new java.util.ArrayList<>(ranges);
        sorted.sort(java.util.Comparator.comparingLong(Extent::offset));
        java.util.ArrayList<Extent> out = new java.util.ArrayList<>();
        for (Extent e : sorted) {
            Extent last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && e.offset() <= last.end()) {
                out.set(out.size() - 1, new Extent(last.offset(), Math.max(last.end(), e.end()) - last.offset()));
            } else {
                out.add(e);
            }
        }
        return List.copyOf(out);
    }

    /** Whether {@code [start, end)} lies wholly inside one of {@code merged}. */
    static boolean covered(List<Extent> merged, long start, long end) {
        int lo = 0;
        int hi = merged.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Extent e = merged.get(mid);
            if (e.end() <= start) {
                lo = mid + 1;
            } else if (e.offset() > start) {
                hi = mid - 1;
            } else {
                return end <= e.end();
            }
        }
        return false;
    }

    /** Offset of the first 512-byte sector of {@code data} holding a non-zero byte, or -1 when all are zero. */
    static int firstDataSector(ByteBuffer data) {
        for (int i = 0; i < data.limit(); i++) {
            if (data.get(i) != 0) {
                return i / AzureDisk.SECTOR * AzureDisk.SECTOR;
            }
        }
        return -1;
    }

    /** End of the last 512-byte sector of {@code data} holding a non-zero byte (0 when all are zero). */
    static int endOfData(ByteBuffer data) {
        for (int i = data.limit() - 1; i >= 0; i--) {
            if (data.get(i) != 0) {
                return Math.min(data.limit(), (i / AzureDisk.SECTOR + 1) * AzureDisk.SECTOR);
            }
        }
        return 0;
    }
}
