package dev.kiln.aws;

import dev.kiln.core.Events;
import dev.kiln.core.KilnException;
import dev.kiln.disk.Compression;
import dev.kiln.disk.DiskFormat;
import dev.kiln.disk.DiskImages;
import dev.kiln.disk.DiskSource;
import dev.kiln.disk.RawDiskSource;
import dev.kiln.disk.WriteOptions;
import dev.kiln.spi.PushRequest;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
    private final Path workDir;

    S3Import(AwsConnection aws, PushSettings settings, Poller poller, Events events, Path workDir) {
        this.workDir = workDir;
        this.aws = aws;
        this.settings = settings;
        this.poller = poller;
        this.events = events;
    }

    String upload(DiskSource disk, PushRequest request, Cleanup cleanup) throws IOException, InterruptedException {
        boolean vmdk = settings.objectFormat().equals("vmdk");
        String bucket = settings.bucket().orElseThrow();
        String key = "kiln/" + request.name() + "-" + request.contentDigest().replace("sha256:", "").substring(0, 12)
                + (vmdk ? ".vmdk" : ".raw");
        S3Client s3 = aws.s3(settings.workers());
        Path file = vmdk ? streamOptimized(disk, request.name()) : null;
        try (DiskSource object = vmdk ? new RawDiskSource(file) : null) {
            events.phase("upload to s3://" + bucket + "/" + key);
            new MultipartUpload(s3, Math.min(settings.workers(), 8), events)
                    .upload(vmdk ? object : disk, bucket, key, cleanup);
        } finally {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        }
        String object = "s3://" + bucket + "/" + key;
        cleanup.add("object " + object, () -> s3.deleteObject(b -> b.bucket(bucket).key(key)));

        events.phase("import snapshot");
        Ec2Client ec2 = aws.ec2();
        ImportSnapshotTask task = new ImportSnapshotTask(ec2, poller);
        String taskId = task.start(bucket, key, vmdk ? "VMDK" : "RAW", settings.description(), settings.kmsKey());
        cleanup.add("import task " + taskId, () -> task.cancel(taskId));
        String snapshot;
        try {
            snapshot = task.completed(taskId);
        } catch (KilnException failed) {
            cleanup.forget("import task " + taskId);
            throw failed;
        }
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

    /** VM Import reads streamOptimized VMDK: about a tenth of the raw bytes for a typical image. */
    private Path streamOptimized(DiskSource disk, String name) throws IOException {
        Path file = workDir.resolve(name + ".vmdk");
        events.phase("convert to streamOptimized VMDK");
        DiskImages.write(DiskFormat.VMDK, disk, file, new WriteOptions(Runtime.getRuntime().availableProcessors(),
                Compression.NONE, 6, true, name, WriteOptions.FIXED_TIME), events);
        return file;
    }
}
