package dev.kiln.qemu;

import dev.kiln.api.KilnException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PortForwardTest {

    @Test
    void readsDockerStylePublishSpecs() {
        assertThat(PortForward.parse("8080:80")).isEqualTo(new PortForward("", 8080, 80, "tcp"));
        assertThat(PortForward.parse("127.0.0.1:2222:22/tcp")).isEqualTo(new PortForward("127.0.0.1", 2222, 22, "tcp"));
        assertThat(PortForward.parse("5353:53/udp")).isEqualTo(new PortForward("", 5353, 53, "udp"));
    }

    @Test
    void becomesAQemuHostfwd() {
        assertThat(PortForward.parse("8080:80").hostfwd()).isEqualTo("tcp::8080-:80");
        assertThat(PortForward.parse("127.0.0.1:2222:22").hostfwd()).isEqualTo("tcp:127.0.0.1:2222-:22");
    }

    @Test
    void refusesWhatIsNotAPortPair() {
        assertThatThrownBy(() -> PortForward.parse("80")).isInstanceOf(KilnException.class)
                .hasMessageContaining("[IP:]HOST:GUEST");
        assertThatThrownBy(() -> PortForward.parse("8080:80/sctp")).hasMessageContaining("[IP:]HOST:GUEST");
        assertThatThrownBy(() -> PortForward.parse("70000:80")).hasMessageContaining("1 to 65535");
        assertThatThrownBy(() -> PortForward.parse("0:80")).hasMessageContaining("1 to 65535");
    }
}
