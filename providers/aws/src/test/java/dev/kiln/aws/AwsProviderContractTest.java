package dev.kiln.aws;

import dev.kiln.spi.ProviderFactory;
import dev.kiln.testkit.ProviderContractTest;

import java.util.Map;

class AwsProviderContractTest extends ProviderContractTest {

    @Override
    protected ProviderFactory factory() {
        return new AwsProviderFactory();
    }

    @Override
    protected Map<String, String> environmentWithoutCredentials() {
        return Map.of("AWS_REGION", "eu-west-1", "AWS_EC2_METADATA_DISABLED", "true",
                "AWS_CONFIG_FILE", tmp.resolve("no-config").toString(),
                "AWS_SHARED_CREDENTIALS_FILE", tmp.resolve("no-credentials").toString(),
                "AWS_ENDPOINT_URL", "http://127.0.0.1:9");
    }

    @Override
    protected String missingCredentialHint() {
        return "AWS_ACCESS_KEY_ID";
    }
}
