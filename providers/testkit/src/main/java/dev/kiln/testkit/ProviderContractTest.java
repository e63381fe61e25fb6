package dev.kiln.testkit;

import dev.kiln.api.KilnException;
import dev.kiln.spi.OptionSpec;
import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.Providers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What every provider promises. A provider module's test extends this and names its factory;
 * providers that need credentials also say which env var or file the error must mention.
 */
public abstract class ProviderContractTest {

    /** Option names the CLI itself uses on push and run; a provider must not take them. */
    public static final Set<String> RESERVED = Set.of("help", "version", "verbose", "quiet", "output", "console",
            "stacktrace", "result-file", "name", "dry-run", "arch", "if-exists", "public", "share-with", "description",
            "tag", "userdata", "userdata-file", "disk", "wait", "rm", "keep", "timeout", "all", "force");

    private static final Pattern SECRET_NAME = Pattern.compile(".*(secret|password|token|sas|api-key|access-key).*");

    @TempDir
    protected Path tmp;

    protected abstract ProviderFactory factory();

    /**
     * An environment with no credentials for this provider (point config files at nothing), and
     * the text the error must contain, e.g. {@code AWS_ACCESS_KEY_ID}. Null when the provider
     * needs no credentials.
     */
    protected abstract Map<String, String> environmentWithoutCredentials();

    protected abstract String missingCredentialHint();

    @Test
    void isDiscoverableByName() {
        List<String> names = Providers.installed().stream().map(ProviderFactory::name).toList();

        assertThat(names).contains(factory().name());
        assertThat(Providers.named(factory().name()).getClass()).isEqualTo(factory().getClass());
    }

    @Test
    void declaresAUsefulSummaryAndWhatItAccepts() {
        assertThat(factory().name()).matches("[a-z][a-z0-9]*");
        assertThat(factory().summary()).isNotBlank();
        if (factory().canPush()) {
            assertThat(factory().accepts()).isNotEmpty();
            // most preferred first: push takes the first of a build's outputs in this order, so it must have one
            assertThat(factory().accepts().size() == 1 || !factory().accepts().getClass().getName()
                    .startsWith("java.util.ImmutableCollections")).as("accepts() is ordered (ImageFormat.preferred), "
                    + "not Set.of").isTrue();
        }
    }

    @Test
    void everyOptionTeachesItself() {
        List<OptionSpec> all = new ArrayList<>(factory().pushOptions());
        all.addAll(factory().runOptions());
        all.addAll(factory().inventoryOptions());
        for (OptionSpec spec : all) {
            assertThat(spec.help()).as("help of --%s", spec.name()).hasSizeGreaterThan(10);
            assertThat(RESERVED).as("--%s is reserved by the CLI", spec.name()).doesNotContain(spec.name());
            if (spec.kind() != OptionSpec.Kind.SWITCH) {
                assertThat(spec.label()).as("value label of --%s", spec.name()).isNotBlank();
            }
            if (spec.kind() == OptionSpec.Kind.SIZE && spec.defaultValue() != null) {
                dev.kiln.api.ByteSize.parse(spec.defaultValue(), 1, "the default of --" + spec.name());
            }
            assertThat(spec.kind() == OptionSpec.Kind.INT && spec.label().matches("(?i)[KMGT]I?B|BYTES"))
                    .as("--%s takes a size: declare it OptionSpec.size, so 10G, 10GiB and 512M work", spec.name())
                    .isFalse();
            if (SECRET_NAME.matcher(spec.name()).matches()) {
                assertThat(spec.secret()).as("--%s looks secret and must be marked so", spec.name()).isTrue();
            }
        }
        assertThat(all.stream().filter(OptionSpec::secret).map(OptionSpec::defaultValue))
                .as("secrets have no defaults").allMatch(v -> v == null);
    }

    @Test
    void importsOnlyTheApiAndTheSpiOfKiln() {
        ProviderArchitecture.check(factory().getClass().getPackageName());
    }

    @Test
    void optionNamesAreUniquePerCommand() {
        assertThat(factory().pushOptions().stream().map(OptionSpec::name)).doesNotHaveDuplicates();
        assertThat(factory().runOptions().stream().map(OptionSpec::name)).doesNotHaveDuplicates();
        assertThat(factory().inventoryOptions().stream().map(OptionSpec::name)).doesNotHaveDuplicates();
    }

    /** {@code kiln ls NAME} and {@code kiln rm NAME} are offered only with the calls they make. */
    @Test
    void inventoryOptionsComeOnlyWithLsAndRm() {
        if (!factory().canList()) {
            assertThat(factory().inventoryOptions()).as("inventoryOptions of a provider that cannot list").isEmpty();
        }
    }

    @Test
    void refusesMissingCredentialsNamingWhereToPutThem() throws Exception {
        Map<String, String> env = environmentWithoutCredentials();
        assumeTrue(factory().canPush(), () -> factory().name() + " does not push, so it asks for no credentials");
        assumeTrue(env != null, () -> factory().name() + " needs no credentials (environmentWithoutCredentials is null)");
        ProviderHarness harness = new ProviderHarness(factory(), tmp);
        env.forEach(harness::env);
        Path image = ProviderHarness.sampleDisk(tmp, "contract", 1 << 20);

        try (Provider provider = factory().create(harness.pushContext())) {
            assertThatThrownBy(() -> provider.push(ProviderHarness.pushRequest(image, factory().accepts().iterator().next())))
                    .isInstanceOf(KilnException.class)
                    .hasMessageContaining(missingCredentialHint());
        }
    }
}
