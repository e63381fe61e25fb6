package dev.kiln.aws;

import dev.kiln.api.KilnException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateVolumePermission;
import software.amazon.awssdk.services.ec2.model.LaunchPermission;
import software.amazon.awssdk.services.ec2.model.PermissionGroup;
import software.amazon.awssdk.services.ec2.model.SnapshotAttributeName;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * EC2 {@code ModifyImageAttribute} (launch permission) and {@code ModifySnapshotAttribute}
 * (create-volume permission) for {@code --public} and {@code --share-with}. Snapshots can be
 * shared with accounts only, so organizations get the image alone. Public sharing is checked
 * against the account's block-public-access settings before anything is uploaded.
 */
final class LaunchPermissions {

    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");

    private final boolean isPublic;
    private final List<String> targets;

    LaunchPermissions(boolean isPublic, List<String> targets) {
        this.isPublic = isPublic;
        this.targets = List.copyOf(targets);
        for (String t : targets) {
            if (!ACCOUNT.matcher(t).matches() && !t.startsWith("arn:aws")) {
                throw KilnException.usage("--share-with takes a 12-digit account id or an organization/OU ARN, not '"
                        + t + "'");
            }
        }
    }

    boolean any() {
        return isPublic || !targets.isEmpty();
    }

    /** Fails, naming the setting, where the account forbids public images or snapshots. */
    void checkAllowed(Ec2Client ec2, String region) {
        if (!isPublic) {
            return;
        }
        String image = ec2.getImageBlockPublicAccessState(b -> { }).imageBlockPublicAccessState();
        if ("block-new-sharing".equals(image)) {
            throw KilnException.tried("make the image public in " + region, "the account's block public access for "
                    + "AMIs is on (block-new-sharing)", "turn it off with 'aws ec2 disable-image-block-public-access' "
                    + "or leave out --public");
        }
        String snapshot = ec2.getSnapshotBlockPublicAccessState(b -> { }).stateAsString();
        if (snapshot != null && snapshot.startsWith("block-")) {
            throw KilnException.tried("make the snapshot public in " + region, "the account's block public access "
                    + "for snapshots is " + snapshot, "turn it off with 'aws ec2 disable-snapshot-block-public-access' "
                    + "or leave out --public");
        }
    }

    void apply(Ec2Client ec2, OwnImage image) {
        List<LaunchPermission> launch = new ArrayList<>();
        List<CreateVolumePermission> volume = new ArrayList<>();
        if (isPublic) {
            launch.add(LaunchPermission.builder().group(PermissionGroup.ALL).build());
            volume.add(CreateVolumePermission.builder().group(PermissionGroup.ALL).build());
        }
        for (String t : targets) {
            if (ACCOUNT.matcher(t).matches()) {
                launch.add(LaunchPermission.builder().userId(t).build());
                volume.add(CreateVolumePermission.builder().userId(t).build());
            } else if (t.contains(":ou/")) {
                launch.add(LaunchPermission.builder().organizationalUnitArn(t).build());
            } else {
                launch.add(LaunchPermission.builder().organizationArn(t).build());
            }
        }
        ec2.modifyImageAttribute(b -> b.imageId(image.imageId()).launchPermission(p -> p.add(launch)));
        for (String snapshot : volume.isEmpty() ? List.<String>of() : image.snapshotIds()) {
            ec2.modifySnapshotAttribute(b -> b.snapshotId(snapshot)
                    .attribute(SnapshotAttributeName.CREATE_VOLUME_PERMISSION)
                    .createVolumePermission(p -> p.add(volume)));
        }
    }
}
