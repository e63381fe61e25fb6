package dev.kiln.packet;

import dev.kiln.spi.OptionSpec;

import java.util.List;

/** The flags of {@code kiln push packet}; the shared ones (--name, --if-exists, --public, ...) are the CLI's. */
final class PacketOptions {

    static final String DESTINATION = "destination";
    static final String BASE_URL = "base-url";
    static final String ENDPOINT = "endpoint-url";
    static final String REGION = "region";
    static final String PRESIGN = "presign";
    static final String CONSOLE = "kernel-console";
    static final String DECOMPRESS = "decompress";

    static final List<OptionSpec> PUSH = List.of(
            OptionSpec.string(DESTINATION, "DIR|s3://BUCKET/PREFIX", "Where to publish NAME-kernel, "
                    + "NAME-initrd.img and NAME-equinixmetal.ipxe (plus NAME-packet.ipxe): a directory (serve it over "
                    + "HTTP yourself) or an S3-compatible bucket. " + PacketProviderFactory.SHUTDOWN)
                    .env("KILN_PACKET_DESTINATION"),
            OptionSpec.string(BASE_URL, "URL", "The URL the published folder is reachable at, written into the "
                    + "script (required for a directory; for a bucket the object URL is used)"),
            OptionSpec.string(ENDPOINT, "URL", "S3-compatible endpoint (MinIO, Ceph, R2...); path-style "
                    + "addressing is used when set").env("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"),
            OptionSpec.string(REGION, "REGION", "Region of the bucket").env("AWS_REGION", "AWS_DEFAULT_REGION")
                    .defaultValue("us-east-1"),
            OptionSpec.duration(PRESIGN, "DURATION", "Write presigned GET URLs valid this long (at most 7d) "
                    + "instead of relying on public or anonymous reads"),
            OptionSpec.string(CONSOLE, "CONSOLE", "Kernel console in the script; default ttyS1,115200 on amd64 "
                    + "(Metal's serial-over-SSH) and ttyAMA0 on arm64"),
            OptionSpec.flag(DECOMPRESS, "Publish the initrd uncompressed (gunzipped) for loaders that cannot "
                    + "inflate it"));

    private PacketOptions() {
    }
}
