package dev.kiln.packet;

import dev.kiln.api.KilnException;
import dev.kiln.spi.Options;
import dev.kiln.spi.ProviderContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Turns {@code --destination} and its companions into a {@link Destination}. */
final class Destinations {

    private Destinations() {
    }

    static Destination open(ProviderContext ctx, boolean publicRead) {
        Options o = ctx.options();
        String where = o.find(PacketOptions.DESTINATION).orElseThrow(() -> KilnException.usage(
                "push packet needs --destination DIR or --destination s3://BUCKET/PREFIX (or KILN_PACKET_DESTINATION)"));
        return open(ctx, where, publicRead, o.duration(PacketOptions.PRESIGN));
    }

    /**
     * The destination of {@code kiln ls} and {@code kiln rm}: never presigned, so that a file's URL, its id, is
     * the same on every call.
     */
    static Destination forInventory(ProviderContext ctx, String where) {
        return open(ctx, where, false, Optional.empty());
    }

    private static Destination open(ProviderContext ctx, String where, boolean publicRead, Optional<Duration> presign) {
        Options o = ctx.options();
        if (where.startsWith("s3://")) {
            presign.filter(d -> d.isNegative() || d.isZero() || d.compareTo(S3Destination.MAX_PRESIGN) > 0)
                    .ifPresent(d -> {
                        throw KilnException.usage("--presign " + d + " is outside what S3 signs: more than 0 and at "
                                + "most 7d");
                    });
            return new S3Destination(S3Destination.S3Location.parse(where), Region.of(o.require(PacketOptions.REGION)),
                    o.find(PacketOptions.ENDPOINT).map(Destinations::endpoint), credentials(ctx.env()), presign,
                    publicRead);
        }
        if (where.contains("://")) {
            throw KilnException.usage("--destination " + where + " is neither a directory nor s3://BUCKET/PREFIX");
        }
        if (presign.isPresent()) {
            throw KilnException.usage("--presign signs S3 URLs; --destination " + where + " is a directory");
        }
        String base = o.find(PacketOptions.BASE_URL).orElseThrow(() -> KilnException.usage(
                "--destination " + where + " is a directory: give --base-url, the URL it is served at (for example "
                        + "http://boot.example:8080 from 'kiln serve " + where + " --listen :8080')"));
        return new DirectoryDestination(Path.of(where), base);
    }

    private static URI endpoint(String text) {
        URI uri = URI.create(text);
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw KilnException.usage("--endpoint-url must be a URL such as https://minio.example:9000, not " + text);
        }
        return uri;
    }

    /**
     * Keys from the command's environment, else the AWS_PROFILE (or default) profile of the shared credentials
     * file; never the process environment behind the CLI's back.
     */
    static AwsCredentialsProvider credentials(Map<String, String> env) {
        String id = env.get("AWS_ACCESS_KEY_ID");
        String secret = env.get("AWS_SECRET_ACCESS_KEY");
        if (id != null && secret != null) {
            String session = env.get("AWS_SESSION_TOKEN");
            return StaticCredentialsProvider.create(session == null ? AwsBasicCredentials.create(id, secret)
                    : AwsSessionCredentials.create(id, secret, session));
        }
        Path file = Path.of(env.getOrDefault("AWS_SHARED_CREDENTIALS_FILE",
                System.getProperty("user.home") + "/.aws/credentials"));
        String profile = env.getOrDefault("AWS_PROFILE", "default");
        if (Files.isRegularFile(file)) {
            ProfileFile profiles = ProfileFile.builder().content(file).type(ProfileFile.Type.CREDENTIALS).build();
            if (profiles.profile(profile).isPresent()) {
                return ProfileCredentialsProvider.builder().profileFile(profiles).profileName(profile).build();
            }
        }
        throw KilnException.tried("find credentials for the S3 destination",
                "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are not set and " + file + " has no profile " + profile,
                "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) for the bucket's store");
    }
}
