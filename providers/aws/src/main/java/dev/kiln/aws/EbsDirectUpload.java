package dev.kiln.aws;

import dev.kiln.api.DiskSource;
import dev.kiln.api.Events;
import dev.kiln.spi.Cleanup;
import software.amazon.awssdk.services.ebs.EbsClient;
import software.amazon.awssdk.services.ebs.model.StartSnapshotResponse;
import software.amazon.awssdk.services.ec2.Ec2Client;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * Disk to snapshot through the EBS direct APIs: start, write the non-zero blocks in parallel,
 * complete with the aggregate checksum, wait for EC2 to call it completed. The snapshot is
 * registered for cleanup the moment it exists.
 */
final class EbsDirectUpload {

    private final EbsClient ebs;
    private final Ec2Client ec2;
    private final PushSettings settings;
    private final Policies policies;
    private final Events events;

    EbsDirectUpload(EbsClient ebs, Ec2Client ec2, PushSettings settings, Policies policies, Events events) {
        this.ebs = ebs;
        this.ec2 = ec2;
        this.settings = settings;
        this.policies = policies;
        this.events = events;
    }

    /** @return the completed snapshot's id */
    String upload(DiskSource disk, Map<String, String> tags, Cleanup cleanup) throws IOException, InterruptedException {
        events.phase("start snapshot");
        StartSnapshotResponse started = new StartSnapshot(ebs, policies.calls())
                .start(disk.size(), settings.description(), tags, settings.kmsKey(), made -> removeLater(made, cleanup));
        String id = started.snapshotId();
        removeLater(id, cleanup);
        events.info("snapshot " + id + " started (" + started.volumeSize() + " GiB)");

        events.phase("upload blocks");
        SnapshotBlocks blocks = new SnapshotBlocks(new PutSnapshotBlock(ebs, policies.blocks()), settings.workers(),
                policies.cancel(), events);
        UploadStats stats = blocks.write(disk, id, Optional.ofNullable(started.blockSize()).orElse(524288));
        events.info("sent " + stats.blocksSent() + " non-zero blocks (" + mib(stats.bytesSent()) + " MiB) of "
                + stats.blocksRead() + " read (" + mib(stats.bytesRead()) + " MiB read locally)");

        events.phase("complete snapshot");
        new CompleteSnapshot(ebs, policies.calls()).complete(id, stats.blocksSent(), blocks.aggregate());
        new SnapshotWait(ec2, policies.poll()).completed(id);
        return id;
    }

    private void removeLater(String id, Cleanup cleanup) {
        cleanup.add("snapshot " + id, "aws ec2 delete-snapshot --snapshot-id " + id,
                () -> new DeleteSnapshot(ec2).delete(id));
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }
}
