package dev.kiln.aws;

import dev.kiln.api.Conversions;
import dev.kiln.api.DiskSource;
import dev.kiln.api.Events;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.KilnException;
import dev.kiln.spi.Cleanup;
import dev.kiln.spi.PushRequest;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.WritableByteChannel;

/**
 * The S3 path: stream the disk to {@code --bucket} as a multipart upload, import it as a snapshot,
 * tag the snapshot, and delete the object unless {@code --keep-object}. The streamOptimized VMDK is
 * written straight into the upload (its grain directory comes at the end, so the writer never seeks
 * back): conversion and upload overlap and nothing is written to local disk. Slower than EBS direct
 * (minutes of import on AWS's side) but it needs only S3 and the vmimport role.
 */
final class S3Import {

    /** Parts in flight at once; the AWS CLI sends 10 (max_concurrent_requests), parts are large. */
    static final int MAX_PARALLEL_PARTS = 8;
    private static final int RAW_CHUNK = 1 << 20;

    private final AwsConnection aws;
    private final PushSettings settings;
    private final Policies policies;
    private final Conversions conversions;
    private final Events events;

    S3Import(AwsConnection aws, PushSettings settings, Policies policies, Conversions conversions, Events events) {
        this.aws = aws;
        this.settings = settings;
        this.policies = policies;
        this.conversions = conversions;
        this.events = events;
    }

    String upload(DiskSource disk, PushRequest request, Cleanup cleanup) throws IOException, InterruptedException {
        boolean vmdk = settings.objectFormat().equals("vmdk");
        String bucket = settings.bucket().orElseThrow();
        String key = "kiln/" + request.name() + "-" + request.digestHex().substring(0, 12)
                + (vmdk ? ".vmdk" : ".raw");
        String object = "s3://" + bucket + "/" + key;
        S3Client s3 = aws.s3(settings.workers());
        events.phase((vmdk ? "stream a streamOptimized VMDK to " : "upload the raw disk to ") + object);
        long size = send(disk, request.name(), MultipartUpload.start(s3, policies, bucket, key, cleanup), vmdk);
        events.info("uploaded " + object + ": " + size + " bytes for a " + disk.size() + "-byte disk ("
                + String.format("%.3f", size / (double) Math.max(1, disk.size())) + " of raw)");
        Cleanup.Handle uploaded = cleanup.add("object " + object, "aws s3 rm " + object,
                () -> policies.cleanup().call("DeleteObject", () -> s3.deleteObject(b -> b.bucket(bucket).key(key))));
        String snapshot = importSnapshot(bucket, key, vmdk ? "VMDK" : "RAW", cleanup);
        if (!settings.keepObject()) {
            try {
                uploaded.undoNow();
            } catch (InterruptedException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            events.info("deleted " + object);
        }
        return snapshot;
    }

    /** @return the object's size */
    private long send(DiskSource disk, String name, MultipartUpload upload, boolean vmdk)
            throws IOException, InterruptedException {
        long bound = vmdk ? conversions.streamBound(disk, ImageFormat.VMDK) : disk.size();
        PartPlan plan = PartPlan.forBound(bound, Math.min(settings.workers(), MAX_PARALLEL_PARTS));
        events.debug("parts of " + (plan.partSize() >> 20) + " MiB, " + plan.parallel() + " in flight, "
                + plan.buffers() + " buffers");
        String task = "upload " + name;
        try (PartStream parts = new PartStream(upload, plan, n -> events.bytes(task, n, bound))) {
            if (vmdk) {
                conversions.stream(disk, ImageFormat.VMDK, parts, name);
            } else {
                copyRaw(disk, parts);
            }
            upload.complete(parts.finish());
            events.bytes(task, parts.written(), parts.written());
            events.debug("sent " + parts.parts() + " parts");
            return parts.written();
        } catch (InterruptedIOException | ClosedByInterruptException e) {
            throw interruption(e);
        }
    }

    /** The raw object is the whole disk, holes included: EC2 reads it as the volume, byte for byte. */
    private static void copyRaw(DiskSource disk, WritableByteChannel out) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(RAW_CHUNK);
        for (long at = 0; at < disk.size(); at += RAW_CHUNK) {
            chunk.clear().limit((int) Math.min(RAW_CHUNK, disk.size() - at));
            disk.read(at, chunk);
            out.write(chunk.flip());
        }
    }

    private String importSnapshot(String bucket, String key, String format, Cleanup cleanup)
            throws InterruptedException {
        events.phase("import snapshot");
        Ec2Client ec2 = aws.ec2();
        ImportSnapshotTask task = new ImportSnapshotTask(ec2, policies.poll());
        String taskId = task.start(bucket, key, format, settings.description(), settings.kmsKey());
        Cleanup.Handle running = cleanup.add("import task " + taskId, "aws ec2 cancel-import-task --import-task-id "
                + taskId, () -> task.cancel(taskId));
        String snapshot;
        try {
            snapshot = task.completed(taskId);
        } catch (KilnException failed) {
            running.keep();
            throw failed;
        }
        running.keep();
        cleanup.add("snapshot " + snapshot, "aws ec2 delete-snapshot --snapshot-id " + snapshot,
                () -> new DeleteSnapshot(ec2).delete(snapshot));
        policies.calls().call("CreateTags", () -> ec2.createTags(b -> b.resources(snapshot)
                .tags(Tags.ec2(settings.tags()))));
        return snapshot;
    }

    private static InterruptedException interruption(IOException e) {
        InterruptedException ie = new InterruptedException("stopped during the S3 upload");
        ie.initCause(e);
        return ie;
    }
}
