package dev.kiln.gcp;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Storage;
import dev.kiln.core.Events;
import dev.kiln.core.KilnException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Uploads the image file with Cloud Storage's resumable protocol
 * (cloud.google.com/storage/docs/performing-resumable-uploads): the SDK sends chunks of a
 * multiple of 256 KiB and, after a fault, asks the server what it committed and resumes there.
 * kiln computes the file's CRC32C while it streams and compares it with the object's, so a
 * corrupted upload never reaches images.insert.
 */
final class UploadObject {

    private static final int READ_SIZE = 1 << 20;
    private static final long PROGRESS_STEP = 8L << 20;

    private final Storage storage;
    private final Remote remote;
    private final Events events;
    private final int chunkSize;

    UploadObject(Storage storage, int chunkSize, Remote remote, Events events) {
        this.storage = storage;
        this.chunkSize = chunkSize;
        this.remote = remote;
        this.events = events;
    }

    UploadedObject upload(Path file, String bucket, String object, String contentDigest) throws InterruptedException {
        String action = "upload " + file.getFileName() + " to gs://" + bucket + "/" + object;
        long size = size(file);
        Blob existing = remote.find(action, () -> storage.get(BlobId.of(bucket, object))).orElse(null);
        if (existing != null) {
            return reuse(existing, size, contentDigest, action);
        }
        BlobInfo info = BlobInfo.newBuilder(BlobId.of(bucket, object)).setContentType("application/gzip")
                .setMetadata(Map.of(GcpNames.DIGEST_LABEL, contentDigest)).build();
        try {
            WriteChannel channel = storage.writer(info, Storage.BlobWriteOption.doesNotExist());
            channel.setChunkSize(chunkSize);
            String crc = stream(file, size, channel, object);
            BlobInfo done = remote.find(action, () -> storage.get(info.getBlobId())).orElseThrow(
                    () -> KilnException.tried(action, "the object is missing after the upload finished",
                            "run the command again"));
            verify(done, size, crc, action);
            return new UploadedObject(bucket, object, size, false);
        } catch (IOException | RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("upload interrupted");
            }
            throw failure(action, bucket, e);
        }
    }

    /** Streams the file; on interruption it returns without closing, which leaves no object behind. */
    private String stream(Path file, long size, WriteChannel out, String object)
            throws IOException, InterruptedException {
        CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocateDirect(READ_SIZE);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long done = 0;
            long reported = 0;
            events.bytes("upload " + object, 0, size);
            while (in.read(buffer.clear()) > 0) {
                Remote.checkInterrupt();
                buffer.flip();
                crc.update(buffer.duplicate());
                done += buffer.remaining();
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                if (done - reported >= PROGRESS_STEP || done == size) {
                    events.bytes("upload " + object, done, size);
                    reported = done;
                }
            }
        }
        out.close();
        return encode(crc.getValue());
    }

    private void verify(BlobInfo done, long size, String crc, String action) throws InterruptedException {
        if (done.getSize() != null && done.getSize() == size && crc.equals(done.getCrc32c())) {
            events.debug("gs://" + done.getBucket() + "/" + done.getName() + ": " + size + " bytes, CRC32C " + crc);
            return;
        }
        remote.find("delete the corrupt object", () -> storage.delete(done.getBlobId()));
        throw KilnException.tried(action, "the stored object does not match the file (size " + done.getSize()
                + " vs " + size + ", CRC32C " + done.getCrc32c() + " vs " + crc + "); it was deleted",
                "run the command again; if it repeats, check proxies between here and Google");
    }

    private UploadedObject reuse(Blob existing, long size, String contentDigest, String action) {
        Map<String, String> metadata = existing.getMetadata() == null ? Map.of() : existing.getMetadata();
        if (existing.getSize() != null && existing.getSize() == size
                && contentDigest.equals(metadata.get(GcpNames.DIGEST_LABEL))) {
            events.info("gs://" + existing.getBucket() + "/" + existing.getName()
                    + " already holds this content; not uploading it again");
            return new UploadedObject(existing.getBucket(), existing.getName(), size, true);
        }
        throw KilnException.tried(action, "an object of that name with other content is in the bucket",
                "delete it with 'gcloud storage rm gs://" + existing.getBucket() + "/" + existing.getName() + "'");
    }

    private static KilnException failure(String action, String bucket, Throwable e) {
        if (GcpErrors.notFound(e)) {
            return KilnException.tried(action, "bucket " + bucket + " does not exist (404)",
                    "create it with 'gcloud storage buckets create gs://" + bucket + "' or pass another --bucket", e);
        }
        return GcpErrors.tried(action, e);
    }

    /** GCS reports CRC32C as base64 of the big-endian 32-bit value (cloud.google.com/storage/docs/hashes-etags). */
    static String encode(long crc) {
        byte[] b = {(byte) (crc >>> 24), (byte) (crc >>> 16), (byte) (crc >>> 8), (byte) crc};
        return Base64.getEncoder().encodeToString(b);
    }

    private static long size(Path file) {
        try {
            return java.nio.file.Files.size(file);
        } catch (IOException e) {
            throw KilnException.tried("read " + file, e.getMessage(), "check the path");
        }
    }
}
