package dev.kiln.aws;

import dev.kiln.api.KilnException;
import dev.kiln.api.Poll;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.SnapshotTaskDetail;

import java.util.Optional;
import java.util.UUID;

/**
 * EC2 {@code ImportSnapshot} from an S3 object, then {@code DescribeImportSnapshotTasks} until the
 * task is completed; {@code deleting}/{@code deleted} (a failed or cancelled import) fail with
 * EC2's status message, and a wait past the deadline fails too (LinuxKit polls forever).
 */
final class ImportSnapshotTask {

    private final Ec2Client ec2;
    private final Poll poller;

    ImportSnapshotTask(Ec2Client ec2, Poll poller) {
        this.ec2 = ec2;
        this.poller = poller;
    }

    String start(String bucket, String key, String format, String description, Optional<String> kmsKey) {
        return ec2.importSnapshot(b -> {
            b.description(description).clientToken(UUID.randomUUID().toString())
                    .diskContainer(d -> d.format(format).description(description)
                            .userBucket(u -> u.s3Bucket(bucket).s3Key(key)));
            kmsKey.ifPresent(k -> b.encrypted(true).kmsKeyId(k));
        }).importTaskId();
    }

    void cancel(String taskId) {
        ec2.cancelImportTask(b -> b.importTaskId(taskId).cancelReason("kiln push stopped"));
    }

    /** @return the imported snapshot's id */
    String completed(String taskId) throws InterruptedException {
        return poller.until("import task " + taskId, () -> state(taskId));
    }

    private Optional<String> state(String taskId) {
        SnapshotTaskDetail d = ec2.describeImportSnapshotTasks(b -> b.importTaskIds(taskId)).importSnapshotTasks()
                .stream().findFirst().map(t -> t.snapshotTaskDetail()).orElse(null);
        if (d == null) {
            return Optional.empty();
        }
        String status = String.valueOf(d.status());
        if (status.equals("deleting") || status.equals("deleted") || status.equals("error")) {
            throw KilnException.tried("import snapshot (task " + taskId + ")", "EC2 says " + status
                    + (d.statusMessage() == null ? "" : ": " + d.statusMessage()),
                    "check that the vmimport service role exists and may read the bucket");
        }
        return status.equals("completed") ? Optional.ofNullable(d.snapshotId()) : Optional.empty();
    }
}
