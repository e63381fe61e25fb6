package dev.kiln.vcenter;

import dev.kiln.spi.ProviderFactory;
import dev.kiln.testkit.ProviderContractTest;

import java.util.Map;

class VcenterProviderContractTest extends ProviderContractTest {

    @Override
    protected ProviderFactory factory() {
        return new VcenterProviderFactory();
    }

    @Override
    protected Map<String, String> environmentWithoutCredentials() {
        return Map.of("HOME", tmp.toString());
    }

    @Override
    protected String missingCredentialHint() {
        return "GOVC_URL";
    }
}
