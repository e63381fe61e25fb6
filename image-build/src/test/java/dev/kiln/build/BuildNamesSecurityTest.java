package dev.kiln.build;

import dev.kiln.api.KilnException;
import dev.kiln.config.ConfigParser;
import dev.kiln.config.KilnConfig;
import dev.kiln.api.Events;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** --name becomes the outputs' base name inside --dir: a path there is refused (issue 20). */
@Tag("security")
class BuildNamesSecurityTest {

    private static BuildRequest named(String name) {
        return new BuildRequest(List.of(Path.of("a.yml")), name, Path.of("out"), Optional.empty(), List.of(Format.TAR),
                "amd64", OptionalLong.empty(), Path.of("cache"), List.of(), List.of(), false, false, Optional.empty(),
                false);
    }

    @Test
    void aNameThatIsAPathIsRefused() {
        for (String name : List.of("../x", "/etc/x", "a/b", "..", "-f")) {
            assertThatThrownBy(() -> Builder.name(named(name))).as(name).isInstanceOf(KilnException.class)
                    .hasMessageContaining("--name");
        }
        assertThat(Builder.name(named("linuxkit-1.2_x"))).isEqualTo("linuxkit-1.2_x");
    }

    @Test
    void anEntryIsTracedToTheImageThatPutItThere() {
        KilnConfig config = new ConfigParser(Events.none()).parse("a.yml", """
                init: [linuxkit/init:v1]
                onboot:
                  - name: sysctl
                    image: linuxkit/sysctl:v1
                services:
                  - name: big
                    image: example.org/big:1
                """);
        assertThat(Builder.origin(config, "containers/services/big/rootfs/blob"))
                .isEqualTo("image example.org/big:1 (services big)");
        assertThat(Builder.origin(config, "containers/onboot/000-sysctl/rootfs/x"))
                .isEqualTo("image linuxkit/sysctl:v1 (onboot sysctl)");
        assertThat(Builder.origin(config, "sbin/init")).contains("linuxkit/init:v1");
    }
}
