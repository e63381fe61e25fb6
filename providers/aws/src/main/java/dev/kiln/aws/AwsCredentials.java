package dev.kiln.aws;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The SDK's default credential chain, rebuilt over the environment kiln was given rather than the
 * process's (so tests and the CLI agree): env keys, web identity, the profile (static keys, SSO,
 * assumed roles), container credentials, then the instance role.
 */
final class AwsCredentials {

    /** What to tell an operator who has none of the above. */
    static final String WHERE = "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for "
            + "temporary keys), or pass --profile / set AWS_PROFILE to a profile in ~/.aws/credentials or "
            + "~/.aws/config (AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE; for SSO profiles run 'aws sso login'), "
            + "or run where a container or instance role is available";

    private AwsCredentials() {
    }

    static AwsCredentialsProvider chain(Map<String, String> env, ProfileFile profiles, String profile,
                                        boolean profileFromFlag) {
        List<AwsCredentialsProvider> chain = new ArrayList<>();
        AwsCredentialsProvider fromEnv = fromEnvironment(env);
        AwsCredentialsProvider fromProfile = profiles.profile(profile).isPresent()
                ? ProfileCredentialsProvider.builder().profileFile(profiles).profileName(profile).build() : null;
        if (profileFromFlag && fromProfile != null) {
            chain.add(fromProfile);
        }
        if (fromEnv != null) {
            chain.add(fromEnv);
        }
        webIdentity(env).ifPresent(chain::add);
        if (!profileFromFlag && fromProfile != null) {
            chain.add(fromProfile);
        }
        if (env.containsKey("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
                || env.containsKey("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
            chain.add(ContainerCredentialsProvider.builder().build());
        }
        if (!"true".equalsIgnoreCase(env.getOrDefault("AWS_EC2_METADATA_DISABLED", "false"))) {
            chain.add(InstanceProfileCredentialsProvider.builder().profileFile(profiles).profileName(profile).build());
        }
        if (chain.isEmpty()) {
            return () -> {
                throw new MissingCredentials();
            };
        }
        return AwsCredentialsProviderChain.builder().credentialsProviders(chain).reuseLastProviderEnabled(true).build();
    }

    private static AwsCredentialsProvider fromEnvironment(Map<String, String> env) {
        String key = env.get("AWS_ACCESS_KEY_ID");
        String secret = env.get("AWS_SECRET_ACCESS_KEY");
        if (key == null || key.isBlank() || secret == null || secret.isBlank()) {
            return null;
        }
        String token = env.get("AWS_SESSION_TOKEN");
        return StaticCredentialsProvider.create(token == null || token.isBlank()
                ? AwsBasicCredentials.create(key, secret) : AwsSessionCredentials.create(key, secret, token));
    }

    private static java.util.Optional<AwsCredentialsProvider> webIdentity(Map<String, String> env) {
        String file = env.get("AWS_WEB_IDENTITY_TOKEN_FILE");
        String role = env.get("AWS_ROLE_ARN");
        if (file == null || role == null) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(WebIdentityTokenFileCredentialsProvider.builder()
                .webIdentityTokenFile(Path.of(file)).roleArn(role)
                .roleSessionName(env.getOrDefault("AWS_ROLE_SESSION_NAME", "kiln")).build());
    }

    /** No provider in the chain applies; the message names what would fix it. */
    static final class MissingCredentials extends RuntimeException {
        MissingCredentials() {
            super("no AWS credentials were found");
        }
    }
}
