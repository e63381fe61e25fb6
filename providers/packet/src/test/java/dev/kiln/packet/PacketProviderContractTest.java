package dev.kiln.packet;

import dev.kiln.spi.ProviderFactory;
import dev.kiln.testkit.ProviderContractTest;

import java.util.Map;

class PacketProviderContractTest extends ProviderContractTest {

    @Override
    protected ProviderFactory factory() {
        return new PacketProviderFactory();
    }

    /** An S3 destination with no keys in the environment and no shared credentials file. */
    @Override
    protected Map<String, String> environmentWithoutCredentials() {
        return Map.of("KILN_PACKET_DESTINATION", "s3://images/boot", "AWS_ENDPOINT_URL", "http://127.0.0.1:9",
                "AWS_SHARED_CREDENTIALS_FILE", tmp.resolve("no-credentials").toString());
    }

    @Override
    protected String missingCredentialHint() {
        return "AWS_ACCESS_KEY_ID";
    }
}
