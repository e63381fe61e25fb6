package dev.kiln.gcp;

import dev.kiln.spi.ProviderFactory;
import dev.kiln.testkit.ProviderContractTest;

import java.util.Map;

class GcpProviderContractTest extends ProviderContractTest {

    @Override
    protected ProviderFactory factory() {
        return new GcpProviderFactory();
    }

    @Override
    protected Map<String, String> environmentWithoutCredentials() {
        return Map.of("NO_GCE_CHECK", "true", "CLOUDSDK_CONFIG", tmp.resolve("no-gcloud").toString(),
                "HOME", tmp.toString());
    }

    @Override
    protected String missingCredentialHint() {
        return "GOOGLE_APPLICATION_CREDENTIALS";
    }
}
