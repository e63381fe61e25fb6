package dev.kiln.aws;

import dev.kiln.api.KilnException;
import dev.kiln.spi.Options;
import dev.kiln.spi.ProviderContext;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileProperty;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ebs.EbsClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Region, credentials and SDK clients for one command. Clients are built on first use, one per
 * service and region, and closed with the connection.
 */
final class AwsConnection implements AutoCloseable {

    private final Options options;
    private final ProfileFile profiles;
    private final String profile;
    private final String region;
    private final AwsCredentialsProvider credentials;
    private final Map<String, AutoCloseable> clients = new ConcurrentHashMap<>();

    private AwsConnection(Options options, ProfileFile profiles, String profile, String region,
                          AwsCredentialsProvider credentials) {
        this.options = options;
        this.profiles = profiles;
        this.profile = profile;
        this.region = region;
        this.credentials = credentials;
    }

    /** Resolves the region now (a usage error if there is none); credentials are checked on first call. */
    static AwsConnection open(ProviderContext context) {
        Options options = context.options();
        Map<String, String> env = context.env();
        ProfileFile profiles = profileFile(env);
        String profile = options.find(AwsOptions.PROFILE).orElse("default");
        if (options.isSet(AwsOptions.PROFILE) && profiles.profile(profile).isEmpty()) {
            throw KilnException.usage("No AWS profile named '" + profile + "' in " + configFile(env) + " or "
                    + credentialsFile(env) + "; run 'aws configure --profile " + profile + "' or pick another --profile");
        }
        String region = options.find(AwsOptions.REGION)
                .or(() -> profiles.profile(profile).flatMap(p -> p.property(ProfileProperty.REGION)))
                .orElseThrow(() -> KilnException.usage("No AWS region given: pass --region, set AWS_REGION or "
                        + "AWS_DEFAULT_REGION, or add 'region = ...' to profile '" + profile + "' in " + configFile(env)));
        boolean profileFromFlag = options.source(AwsOptions.PROFILE) == Options.Source.FLAG;
        return new AwsConnection(options, profiles, profile, region,
                AwsCredentials.chain(env, profiles, profile, profileFromFlag));
    }

    String region() {
        return region;
    }

    Ec2Client ec2() {
        return ec2(region);
    }

    Ec2Client ec2(String where) {
        return client("ec2@" + where, () -> configure(Ec2Client.builder(), "ec2", where, 50).build());
    }

    StsClient sts() {
        return client("sts", () -> configure(StsClient.builder(), "sts", region, 4).build());
    }

    /** EBS direct: kiln retries each call itself (jittered back-off), so the SDK must not retry too. */
    EbsClient ebs(int connections, Duration attemptTimeout) {
        return client("ebs", () -> override(configure(EbsClient.builder(), "ebs", region, connections),
                o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(attemptTimeout).apiCallTimeout(attemptTimeout))
                .build());
    }

    /** S3: kiln retries each call itself (a part from its own buffer), so the SDK must not retry too. */
    S3Client s3(int connections) {
        return client("s3", () -> override(configure(S3Client.builder(), "s3", region, connections),
                o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .forcePathStyle(endpoint("s3").isPresent())
                .build());
    }

    private <B extends AwsClientBuilder<B, ?> & SdkSyncClientBuilder<B, ?>> B configure(B builder, String service,
                                                                                    String where, int connections) {
        builder.region(Region.of(where))
                .credentialsProvider(credentials)
                .overrideConfiguration(o -> o.defaultProfileFile(profiles).defaultProfileName(profile))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(Math.max(connections, 4))
                        .connectionTimeout(Duration.ofSeconds(10)).socketTimeout(Duration.ofSeconds(60)));
        endpoint(service).ifPresent(builder::endpointOverride);
        return builder;
    }

    /** Adds to the override configuration {@link #configure} set (the SDK's lambda form would replace it). */
    private static <B extends AwsClientBuilder<B, ?>> B override(B builder,
                                                                 Consumer<ClientOverrideConfiguration.Builder> more) {
        return builder.overrideConfiguration(builder.overrideConfiguration().toBuilder().applyMutation(more).build());
    }

    /** A per-service override wins over the general one, as in the AWS CLI. */
    Optional<URI> endpoint(String service) {
        return options.find("endpoint-url-" + service).or(() -> options.find(AwsOptions.ENDPOINT)).map(u -> {
            try {
                return URI.create(u);
            } catch (IllegalArgumentException e) {
                throw KilnException.usage("--endpoint-url must be a URL such as https://ec2.eu-west-1.amazonaws.com, "
                        + "not '" + u + "'");
            }
        });
    }

    @SuppressWarnings("unchecked")
    private <T extends AutoCloseable> T client(String key, java.util.function.Supplier<T> make) {
        return (T) clients.computeIfAbsent(key, k -> make.get());
    }

    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>(clients.values());
        clients.clear();
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                // a client that fails to close holds nothing kiln still needs
            }
        }
    }

    private static ProfileFile profileFile(Map<String, String> env) {
        ProfileFile.Aggregator all = ProfileFile.aggregator();
        add(all, configFile(env), ProfileFile.Type.CONFIGURATION);
        add(all, credentialsFile(env), ProfileFile.Type.CREDENTIALS);
        return all.build();
    }

    private static void add(ProfileFile.Aggregator all, Path file, ProfileFile.Type type) {
        if (Files.isRegularFile(file)) {
            all.addFile(ProfileFile.builder().content(file).type(type).build());
        }
    }

    private static Path configFile(Map<String, String> env) {
        return Optional.ofNullable(env.get("AWS_CONFIG_FILE")).map(Path::of).orElse(home(env).resolve(".aws/config"));
    }

    private static Path credentialsFile(Map<String, String> env) {
        return Optional.ofNullable(env.get("AWS_SHARED_CREDENTIALS_FILE")).map(Path::of)
                .orElse(home(env).resolve(".aws/credentials"));
    }

    private static Path home(Map<String, String> env) {
        return Path.of(env.getOrDefault("HOME", System.getProperty("user.home")));
    }
}
