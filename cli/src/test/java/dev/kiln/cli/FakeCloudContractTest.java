package dev.kiln.cli;

import dev.kiln.cli.fake.FakeCloudProviderFactory;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.testkit.ProviderContractTest;

import java.util.Map;

class FakeCloudContractTest extends ProviderContractTest {

    @Override
    protected ProviderFactory factory() {
        return new FakeCloudProviderFactory();
    }

    @Override
    protected Map<String, String> environmentWithoutCredentials() {
        return Map.of();
    }

    @Override
    protected String missingCredentialHint() {
        return "FAKE_TOKEN";
    }
}
