package dev.kiln.azure;

import dev.kiln.spi.ProviderFactory;
import dev.kiln.testkit.ProviderContractTest;

import java.util.Map;

class AzureProviderContractTest extends ProviderContractTest {

    @Override
    protected ProviderFactory factory() {
        return new AzureProviderFactory();
    }

    /**
     * No service principal; the managed-identity endpoint (App Service style) and the token authority point at a
     * closed local port and the az CLI at an empty folder, so every link of the default chain fails here, offline.
     */
    @Override
    protected Map<String, String> environmentWithoutCredentials() {
        return Map.of("AZURE_SUBSCRIPTION_ID", "00000000-0000-0000-0000-000000000001",
                "AZURE_RESOURCE_GROUP", "rg", "AZURE_LOCATION", "westeurope",
                "AZURE_RESOURCE_MANAGER_ENDPOINT", "https://127.0.0.1:9/",
                "AZURE_AUTHORITY_HOST", "https://127.0.0.1:9/",
                "IDENTITY_ENDPOINT", "http://127.0.0.1:9/msi/token", "IDENTITY_HEADER", "none",
                "AZURE_CONFIG_DIR", tmp.resolve("no-az").toString());
    }

    @Override
    protected String missingCredentialHint() {
        return "AZURE_CLIENT_ID";
    }
}
