package dev.kiln.aws;

import dev.kiln.spi.OptionSpec;

import java.util.ArrayList;
import java.util.List;

/** The flags of {@code kiln push aws} and {@code kiln run aws}, declared as data for the CLI. */
final class AwsOptions {

    static final String REGION = "region";
    static final String PROFILE = "profile";
    static final String ENDPOINT = "endpoint-url";
    static final String POLL = "poll-interval";
    static final String WAIT = "wait-timeout";

    private AwsOptions() {
    }

    /** Where to talk to AWS and as whom; shared by push and run. */
    static List<OptionSpec> connection() {
        return List.of(
                OptionSpec.string(REGION, "REGION", "AWS region to work in, e.g. eu-west-1; else the profile's region")
                        .env("AWS_REGION", "AWS_DEFAULT_REGION"),
                OptionSpec.string(PROFILE, "PROFILE", "Named profile from ~/.aws/config and ~/.aws/credentials "
                        + "(static keys, SSO, assumed roles)").env("AWS_PROFILE"),
                OptionSpec.string(ENDPOINT, "URL", "Send every AWS call to this endpoint (VPC endpoints, "
                        + "S3-compatible stores, tests)").env("AWS_ENDPOINT_URL"),
                OptionSpec.string("endpoint-url-ec2", "URL", "Endpoint for EC2 only").env("AWS_ENDPOINT_URL_EC2"),
                OptionSpec.string("endpoint-url-ebs", "URL", "Endpoint for the EBS direct APIs only")
                        .env("AWS_ENDPOINT_URL_EBS"),
                OptionSpec.string("endpoint-url-s3", "URL", "Endpoint for S3 only").env("AWS_ENDPOINT_URL_S3"),
                OptionSpec.string("endpoint-url-sts", "URL", "Endpoint for STS only (the credential check)")
                        .env("AWS_ENDPOINT_URL_STS"),
                OptionSpec.duration(POLL, "DURATION", "How often to ask AWS whether a snapshot, image or "
                        + "instance is ready").defaultValue("5s"));
    }

    /**
     * The shared flags (--if-exists, --public, --share-with, --description, --tag) come from the CLI. Push keeps its
     * own --wait-timeout: it bounds AWS's side of a push (snapshot completion, import task, image availability,
     * region copies), which can take an hour, unlike run's --timeout for instance states.
     */
    static List<OptionSpec> push() {
        List<OptionSpec> all = new ArrayList<>(connection());
        all.addAll(List.of(
                OptionSpec.duration(WAIT, "DURATION", "Longest wait for AWS to finish a snapshot, import, image "
                        + "or region copy before giving up (and cleaning up); run's waits take --timeout")
                        .defaultValue("60m"),
                OptionSpec.string("method", "ebs-direct|import-snapshot", "How the disk reaches EBS: ebs-direct "
                        + "writes only the non-zero 512 KiB blocks straight into a snapshot; import-snapshot uploads "
                        + "to S3 and lets EC2 import it (needs --bucket and the vmimport role)").defaultValue("ebs-direct"),
                OptionSpec.integer("workers", "N", "Requests in flight: EBS blocks (ebs-direct), or S3 parts "
                        + "(import-snapshot, at most 8 at a time: each holds a 16 MiB or larger buffer)").defaultValue("64"),
                OptionSpec.string("kms-key-id", "KEY", "Encrypt the snapshot with this KMS key id or ARN "
                        + "(default: unencrypted unless the account encrypts by default)"),
                OptionSpec.string("boot-mode", "legacy-bios|uefi|uefi-preferred", "Firmware the image boots with "
                        + "(default: what the image supports; hybrid images get uefi-preferred, arm64 gets uefi)"),
                OptionSpec.flag("tpm", "Enable NitroTPM (TPM 2.0); needs UEFI boot"),
                OptionSpec.flag("ena", "Mark the image as supporting ENA networking (needed by current "
                        + "instance types)").defaultValue("true"),
                OptionSpec.string("imds-support", "v2.0", "Require IMDSv2 on instances of this image. "
                        + "LinuxKit's metadata package reads IMDSv1 only: with v2.0 it cannot read userdata"),
                OptionSpec.string("regions", "REGION", "Also copy the image to these regions, in parallel")
                        .asRepeatable(),
                OptionSpec.string("bucket", "BUCKET", "S3 bucket for --method import-snapshot")
                        .env("KILN_AWS_BUCKET"),
                OptionSpec.string("object-format", "vmdk|raw", "What import-snapshot uploads: a "
                        + "streamOptimized VMDK (small) or the raw disk").defaultValue("vmdk"),
                OptionSpec.flag("keep-object", "Keep the S3 object after import-snapshot"),
                OptionSpec.duration("request-timeout", "DURATION", "Longest single attempt of one request "
                        + "(a block, a part); slower attempts are retried").defaultValue("30s")));
        return List.copyOf(all);
    }

    /** {@code kiln ls aws} and {@code kiln rm aws}: where and as whom, and how long rm waits for a termination. */
    static List<OptionSpec> inventory() {
        List<OptionSpec> all = new ArrayList<>(connection());
        all.add(OptionSpec.duration(WAIT, "DURATION", "Longest wait for an instance to terminate before kiln rm "
                + "deletes the volumes and network interfaces kiln made for it").defaultValue("10m"));
        return List.copyOf(all);
    }

    /** The shared flags (--userdata, --disk, --wait, --rm, --keep, --timeout, --tag) come from the CLI. */
    static List<OptionSpec> run() {
        List<OptionSpec> all = new ArrayList<>(connection());
        all.addAll(List.of(
                OptionSpec.string("instance-type", "TYPE", "EC2 instance type").defaultValue("t3.micro"),
                OptionSpec.string("subnet", "SUBNET", "Subnet id to start in (default: the default VPC)"),
                OptionSpec.string("security-group", "SG", "Security group id").asRepeatable(),
                OptionSpec.string("key-name", "KEYPAIR", "EC2 key pair for SSH"),
                OptionSpec.string("instance-profile", "NAME|ARN", "IAM instance profile"),
                OptionSpec.string("placement", "ZONE", "Availability zone, e.g. eu-west-1a"),
                OptionSpec.string("imds-v2", "optional|required", "Whether instances must use IMDSv2 "
                        + "session tokens; LinuxKit's metadata package needs optional").defaultValue("optional"),
                OptionSpec.integer("imds-hop-limit", "N", "Hops an IMDS reply may take (2 for containers "
                        + "with their own network)").defaultValue("2"),
                OptionSpec.string("volume", "VOL", "Attach an existing volume (vol-...) once running")
                        .asRepeatable(),
                OptionSpec.flag("follow-console", "Follow the console output until the instance stops or Ctrl-C")));
        return List.copyOf(all);
    }
}
