package dev.kiln.packet;

import dev.kiln.spi.OptionSpec;

import java.util.List;
import java.util.stream.Stream;

/** The flags of {@code kiln push packet}; the shared ones (--name, --if-exists, --public, ...) are the CLI's. */
final class PacketOptions {

    static final String DESTINATION = "destination";
    static final String BASE_URL = "base-url";
    static final String ENDPOINT = "endpoint-url";
    static final String REGION = "region";
    static final String PRESIGN = "presign";
    static final String CONSOLE = "kernel-console";
    static final String DECOMPRESS = "decompress";
    static final String SKIP_CHECK = "skip-url-check";

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
                    + "inflate it"),
            OptionSpec.flag(SKIP_CHECK, "Do not check after a push to a bucket that the kernel, initrd and script "
                    + "answer without credentials (for URLs only the fleet's network may read)"));

    static final String API_URL = "api-url";
    static final String TOKEN = "auth-token";
    static final String PROJECT = "project";
    static final String PLAN = "plan";
    static final String METRO = "metro";
    static final String HOSTNAME = "hostname";
    static final String BILLING = "billing-cycle";
    static final String DEVICE = "device";
    static final String REINSTALL = "reinstall";
    static final String POLL = "poll-interval";
    static final String API_TIMEOUT = "api-timeout";
    static final String SERVE = "serve";
    static final String SERVE_URL = "base-url";

    /** LinuxKit's historical endpoint; Equinix Metal shut down on 2026-06-30, so point --api-url at yours. */
    static final String DEFAULT_API = "https://api.equinix.com/metal/v1";

    static final List<OptionSpec> RUN = List.of(
            OptionSpec.string(API_URL, "URL", "Packet/Metal v1 API to call (a Packet-API-compatible endpoint; "
                    + PacketProviderFactory.SHUTDOWN + ")").env("METAL_API_URL").defaultValue(DEFAULT_API),
            OptionSpec.duration(API_TIMEOUT, "DURATION", "How long one API request may wait for its answer before it "
                    + "is sent again (a create is never sent twice)").defaultValue("60s"),
            OptionSpec.string(TOKEN, "TOKEN", "API token sent as X-Auth-Token")
                    .env("METAL_AUTH_TOKEN", "METAL_API_TOKEN", "PACKET_AUTH_TOKEN").asSecret(),
            OptionSpec.string(PROJECT, "ID", "Project the device is created in").env("METAL_PROJECT_ID",
                    "PACKET_PROJECT_ID"),
            OptionSpec.string(PLAN, "PLAN", "Server plan, e.g. c3.small.x86 or c3.large.arm64")
                    .defaultValue("c3.small.x86"),
            OptionSpec.string(METRO, "METRO", "Metro to create the device in, e.g. sv or am (facility is deprecated)")
                    .env("METAL_METRO"),
            OptionSpec.string(HOSTNAME, "NAME", "Device hostname; default the run's --name"),
            OptionSpec.string(BILLING, "CYCLE", "Billing cycle: hourly, daily, monthly or yearly")
                    .defaultValue("hourly"),
            OptionSpec.string(DEVICE, "ID", "Reuse this device: set its iPXE script URL and always-PXE, then "
                    + "reboot it (or reinstall with --reinstall) instead of creating one"),
            OptionSpec.flag(REINSTALL, "With --device, reinstall the device instead of rebooting it"),
            OptionSpec.duration(POLL, "DURATION", "How often to ask whether the device is active")
                    .defaultValue("10s"),
            OptionSpec.string(SERVE, "ADDR", "Serve the folder of IMAGE, a script 'push packet --destination DIR' "
                    + "wrote, over HTTP on HOST:PORT or :PORT while the run lasts (until the device is active, "
                    + "and removed with --rm), and boot the device from it"),
            OptionSpec.string(SERVE_URL, "URL", "With --serve: the URL the device reaches the served folder at "
                    + "(default http://ADDR when ADDR names a host)"),
            OptionSpec.flag(SKIP_CHECK, "Do not check that the script, kernel and initrd answer HEAD before the "
                    + "device is created (for URLs only the device's network reaches)"));

    /** kiln ls/rm: the push flags that say where files are (never --presign: an id is an unsigned URL), the API's. */
    static final List<OptionSpec> INVENTORY = java.util.stream.Stream.of(
            Stream.of(OptionSpec.string(DESTINATION, "DIR|s3://BUCKET/PREFIX", "Where push published the images "
                            + "(NAME-equinixmetal.ipxe and its files): a directory or an S3-compatible bucket")
                            .env("KILN_PACKET_DESTINATION"),
                    OptionSpec.string(BASE_URL, "URL", "The URL a directory destination is served at, as push was "
                            + "given it (the images' ids are their scripts' URLs)")),
            PUSH.stream().filter(s -> List.of(ENDPOINT, REGION).contains(s.name())),
            RUN.stream().filter(s -> List.of(API_URL, API_TIMEOUT, TOKEN, PROJECT).contains(s.name())))
            .flatMap(s -> s).toList();

    private PacketOptions() {
    }
}
