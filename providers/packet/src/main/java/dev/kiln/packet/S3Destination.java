package dev.kiln.packet;

import dev.kiln.api.KilnException;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An S3-compatible bucket through the AWS SDK: PutObject (public-read when {@code --public}), GetObject,
 * DeleteObject; URLs are the object URLs, or presigned GETs with {@code --presign}.
 */
final class S3Destination implements Destination {

    /** SigV4 presigned URLs live at most 7 days. */
    static final Duration MAX_PRESIGN = Duration.ofDays(7);

    private final S3Location location;
    private final S3Client s3;
    private final S3Presigner presigner;
    private final Optional<Duration> presign;
    private final boolean publicRead;

    S3Destination(S3Location location, Region region, Optional<URI> endpoint, AwsCredentialsProvider credentials,
                  Optional<Duration> presign, boolean publicRead) {
        this.location = location;
        this.presign = presign;
        this.publicRead = publicRead;
        S3Configuration config = S3Configuration.builder().pathStyleAccessEnabled(endpoint.isPresent()).build();
        var builder = S3Client.builder().region(region).credentialsProvider(credentials)
                .httpClient(ApacheHttpClient.builder().build()).serviceConfiguration(config);
        endpoint.ifPresent(builder::endpointOverride);
        this.s3 = builder.build();
        var p = S3Presigner.builder().region(region).credentialsProvider(credentials).serviceConfiguration(config);
        endpoint.ifPresent(p::endpointOverride);
        this.presigner = p.build();
    }

    @Override
    public String describe() {
        return location.toString();
    }

    @Override
    public Optional<String> read(String file) {
        try {
            return Optional.of(s3.getObjectAsBytes(b -> b.bucket(location.bucket()).key(location.key(file)))
                    .asString(StandardCharsets.UTF_8));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    /** S3 has no rename: the object is PUT (one step for readers) when committed. */
    @Override
    public Staged stage(String file, Path source, String contentType) {
        return new Staged() {
            @Override
            public void commit() {
                put(file, source, contentType);
            }

            @Override
            public void discard() {
            }
        };
    }

    @Override
    public boolean renames() {
        return false;
    }

    @Override
    public boolean checkAfterPush() {
        return true;
    }

    private void put(String file, Path source, String contentType) {
        PutObjectRequest.Builder put = PutObjectRequest.builder().bucket(location.bucket()).key(location.key(file))
                .contentType(contentType);
        if (publicRead) {
            put.acl(ObjectCannedACL.PUBLIC_READ);
        }
        s3.putObject(put.build(), RequestBody.fromFile(source));
    }

    /** ListObjectsV2 under the prefix, every page; keys in deeper folders are not this destination's files. */
    @Override
    public List<Stored> list() {
        String prefix = location.key("");
        return s3.listObjectsV2Paginator(b -> b.bucket(location.bucket()).prefix(prefix)).contents().stream()
                .filter(o -> o.key().length() > prefix.length() && o.key().indexOf('/', prefix.length()) < 0)
                .map(o -> new Stored(o.key().substring(prefix.length()), Optional.ofNullable(o.lastModified())))
                .toList();
    }

    @Override
    public void delete(String file) {
        s3.deleteObject(b -> b.bucket(location.bucket()).key(location.key(file)));
    }

    @Override
    public String url(String file) {
        if (presign.isPresent()) {
            return presigner.presignGetObject(b -> b.signatureDuration(presign.get())
                    .getObjectRequest(g -> g.bucket(location.bucket()).key(location.key(file)))).url().toString();
        }
        return s3.utilities().getUrl(b -> b.bucket(location.bucket()).key(location.key(file))).toString();
    }

    @Override
    public Optional<String> baseUrl() {
        if (presign.isPresent()) {
            return Optional.empty();
        }
        String probe = url("x");
        return Optional.of(probe.substring(0, probe.length() - 2));
    }

    @Override
    public void close() {
        presigner.close();
        s3.close();
    }

    /** {@code s3://BUCKET/PREFIX}: the prefix may be empty. */
    record S3Location(String bucket, String prefix) {

        static S3Location parse(String text) {
            String rest = text.substring("s3://".length());
            int slash = rest.indexOf('/');
            String bucket = slash < 0 ? rest : rest.substring(0, slash);
            String prefix = slash < 0 ? "" : rest.substring(slash + 1).replaceAll("/+$", "");
            if (bucket.isEmpty()) {
                throw KilnException.usage("--destination " + text + " names no bucket; use s3://BUCKET/PREFIX");
            }
            return new S3Location(bucket, prefix);
        }

        String key(String file) {
            return prefix.isEmpty() ? file : prefix + "/" + file;
        }

        @Override
        public String toString() {
            return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
        }
    }
}
