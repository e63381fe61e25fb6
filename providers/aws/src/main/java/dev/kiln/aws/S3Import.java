package dev.kiln.aws;

import dev.kiln.core.Events;
import dev.kiln.core.KilnException;
import dev.kiln.disk.DiskSource;
import dev.kiln.spi.PushRequest;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;

/**
 * The S3 path: upload the disk to {@code --bucket}, import it as a snapshot, tag the snapshot,
 * and delete the object unless {@code --keep-object}. Slower than EBS direct (minutes of import
 * on AWS's side) but it needs only S3 and the vmimport role.
 */
final class S3Import {

    private final AwsConnection aws;
    private final PushSettings settings;
    private final Poller poller;
    private final Events events;

    S3Import(AwsConnection aws, PushSettings settings, Poller poller, Events events) {
        this.aws = aws;
        this.settings = settings;
        this.poller = poller;
        this.events = events;
    }

    String upload(DiskSource disk, PushRequest request, Cleanup cleanup) throws IOException, InterruptedException {
        if (!settings.objectFormat().equals("raw")) {
            throw KilnException.usage("--object-format vmdk needs the streamOptimized VMDK writer, which this build "
                    + "lacks; pass --object-format raw");
        }
        String bucket = settings.bucket().orElseThrow();
        String key = "kiln/" + request.name() + "-" + request.contentDigest().replace("sha256:", "").substring(0, 12)
                + ".raw";
        S3Client s3 = aws.s3(settings.workers());
        events.phase("upload to s3://" + bucket + "/" + key);
        new MultipartUpload(s3, Math.min(settings.workers(), 8), events).upload(disk, bucket, key, cleanup);
        String object = "s3://" + bucket + "/" + key;
        cleanup.add("object " + object, () -> s3.deleteObject(b -> b.bucket(bucket).key(key)));

        events.phase("import snapshot");
        Ec2Client ec2 = aws.ec2();
        ImportSnapshotTask task = new ImportSnapshotTask(ec2, poller);
        String taskId = task.start(bucket, key, "RAW", settings.description(), settings.kmsKey());
        cleanup.add("import task " + taskId, () -> task.cancel(taskId));
        String snapshot = task.completed(taskId);
        cleanup.forget("import task " + taskId);
        cleanup.add("snapshot " + snapshot, () -> new DeleteSnapshot(ec2).delete(snapshot));
        ec2.createTags(b -> b.resources(snapshot).tags(Tags.ec2(settings.tags())));
        if (!settings.keepObject()) {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
            cleanup.forget("object " + object);
            events.info("deleted " + object);
        }
        return snapshot;
    }
}
