package dev.kiln.openstack;

import dev.kiln.spi.ProviderFactory;
import dev.kiln.testkit.ProviderContractTest;

import java.util.Map;

class OpenStackProviderContractTest extends ProviderContractTest {

    @Override
    protected ProviderFactory factory() {
        return new OpenStackProviderFactory();
    }

    @Override
    protected Map<String, String> environmentWithoutCredentials() {
        return Map.of("HOME", tmp.toString(), "OS_CLIENT_CONFIG_FILE", tmp.resolve("none.yaml").toString());
    }

    @Override
    protected String missingCredentialHint() {
        return "OS_AUTH_URL";
    }
}
