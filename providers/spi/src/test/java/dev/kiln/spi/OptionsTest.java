package dev.kiln.spi;

import dev.kiln.api.KilnException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OptionsTest {

    private static final List<OptionSpec> SPECS = List.of(
            OptionSpec.string("region", "REGION", "Region to push to.").env("AWS_REGION", "AWS_DEFAULT_REGION")
                    .defaultValue("us-east-1"),
            OptionSpec.string("secret-key", "KEY", "Secret.").env("SECRET").asSecret(),
            OptionSpec.string("tag", "K=V", "Tags.").asRepeatable(),
            OptionSpec.integer("workers", "N", "Parallel uploads.").defaultValue("8"),
            OptionSpec.duration("timeout", "DURATION", "How long to wait.").defaultValue("30m"),
            OptionSpec.flag("public", "Make it public."));

    @Test
    void flagBeatsEnvBeatsDefault() {
        Map<String, String> env = Map.of("AWS_REGION", "eu-west-1", "AWS_DEFAULT_REGION", "eu-north-1");

        assertThat(Options.resolve(SPECS, Map.of("region", List.of("ap-south-1")), env).require("region"))
                .isEqualTo("ap-south-1");
        assertThat(Options.resolve(SPECS, Map.of(), env).require("region")).isEqualTo("eu-west-1");
        assertThat(Options.resolve(SPECS, Map.of(), Map.of("AWS_DEFAULT_REGION", "eu-north-1")).require("region"))
                .isEqualTo("eu-north-1");
        assertThat(Options.resolve(SPECS, Map.of(), Map.of()).require("region")).isEqualTo("us-east-1");
    }

    @Test
    void aFlagCanReassertTheDefaultOverTheEnv() {
        Options options = Options.resolve(SPECS, Map.of("region", List.of("us-east-1")),
                Map.of("AWS_REGION", "eu-west-1"));

        assertThat(options.require("region")).isEqualTo("us-east-1");
        assertThat(options.source("region")).isEqualTo(Options.Source.FLAG);
    }

    @Test
    void emptyEnvVarsAreTreatedAsUnset() {
        Options options = Options.resolve(SPECS, Map.of(), Map.of("AWS_REGION", "", "AWS_DEFAULT_REGION", "x-1"));

        assertThat(options.require("region")).isEqualTo("x-1");
        assertThat(options.source("region")).isEqualTo(Options.Source.ENV);
    }

    @Test
    void repeatableOptionsTakeRepeatsAndCommaLists() {
        Options options = Options.resolve(SPECS, Map.of("tag", List.of("a=1,b=2", "c=3")), Map.of());

        assertThat(options.all("tag")).containsExactly("a=1", "b=2", "c=3");
    }

    @Test
    void repeatableKeyValueOptionsKeepTheirCommas() {
        List<OptionSpec> specs = List.of(OptionSpec.keyValues("disk", "[file=]PATH[,size=S]", "Disks to attach.")
                .asRepeatable());

        Options options = Options.resolve(specs, Map.of("disk", List.of("file=a.img,size=2G", "size=1G")), Map.of());

        assertThat(options.all("disk")).containsExactly("file=a.img,size=2G", "size=1G");
    }

    @Test
    void missingRequiredValueNamesFlagAndEnv() {
        Options options = Options.resolve(SPECS, Map.of(), Map.of());

        assertThatThrownBy(() -> options.require("secret-key"))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("--secret-key").hasMessageContaining("SECRET");
    }

    @Test
    void typedValuesParseAndBadOnesNameTheirOrigin() {
        Options options = Options.resolve(SPECS, Map.of("public", List.of("true")), Map.of());
        assertThat(options.integer("workers")).contains(8);
        assertThat(options.duration("timeout")).contains(Duration.ofMinutes(30));
        assertThat(options.flag("public")).isTrue();

        Options bad = Options.resolve(SPECS, Map.of("workers", List.of("many")), Map.of());
        assertThatThrownBy(() -> bad.integer("workers")).hasMessageContaining("--workers").hasMessageContaining("many");
    }

    @Test
    void toStringMasksSecrets() {
        Options options = Options.resolve(SPECS, Map.of(), Map.of("SECRET", "hunter2"));

        assertThat(options.toString()).doesNotContain("hunter2").contains("secret-key=****");
        assertThat(options.require("secret-key")).isEqualTo("hunter2");
    }
}
