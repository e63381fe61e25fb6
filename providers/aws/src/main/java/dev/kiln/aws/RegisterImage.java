package dev.kiln.aws;

import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.RegisterImageRequest;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.TpmSupportValues;
import software.amazon.awssdk.services.ec2.model.VolumeType;

import java.util.Map;

/**
 * EC2 {@code RegisterImage}: an HVM image whose root {@code /dev/xvda} is the snapshot on gp3,
 * deleted with the instance; boot mode, ENA, NitroTPM and IMDS support as asked; tagged at
 * creation (docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RegisterImage.html).
 */
final class RegisterImage {

    static final String ROOT = "/dev/xvda";

    private final Ec2Client ec2;

    RegisterImage(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    /** @return the new image id */
    String register(String name, String snapshotId, PushSettings s, Map<String, String> tags) {
        return ec2.registerImage(request(name, snapshotId, s, tags)).imageId();
    }

    static RegisterImageRequest request(String name, String snapshotId, PushSettings s, Map<String, String> tags) {
        RegisterImageRequest.Builder b = RegisterImageRequest.builder()
                .name(name).description(s.description()).architecture(s.arch())
                .virtualizationType("hvm").rootDeviceName(ROOT)
                .blockDeviceMappings(m -> m.deviceName(ROOT).ebs(e -> e.snapshotId(snapshotId)
                        .volumeType(VolumeType.GP3).deleteOnTermination(true)))
                .enaSupport(s.ena()).bootMode(s.bootMode())
                .tagSpecifications(t -> t.resourceType(ResourceType.IMAGE).tags(Tags.ec2(tags)));
        if (s.tpm()) {
            b.tpmSupport(TpmSupportValues.V2_0);
        }
        s.imdsSupport().ifPresent(b::imdsSupport);
        return b.build();
    }
}
