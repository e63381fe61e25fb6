package dev.kiln.openstack;

import dev.kiln.api.KilnException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The catalog is Keystone's answer: when Keystone spoke https, the token is never sent to a plain-http endpoint. */
@Tag("security")
class CatalogSchemeSecurityTest {

    @Test
    void aPlainHttpEndpointInACatalogReachedOverHttpsIsRefused() {
        assertThatThrownBy(() -> OpenStackConnection.checkScheme("https://keystone.example.org:5000/v3",
                "http://glance.example.org:9292"))
                .isInstanceOf(KilnException.class).hasMessageContaining("http://glance.example.org:9292")
                .hasMessageContaining("unencrypted").hasMessageContaining("--interface");
    }

    @Test
    void httpsEndpointsAnHttpCloudAndTheLoopbackAreUsedAsGiven() {
        assertThat(OpenStackConnection.checkScheme("https://keystone.example.org/v3", "https://glance.example.org"))
                .isEqualTo("https://glance.example.org");
        assertThat(OpenStackConnection.checkScheme("http://10.0.0.5:5000/v3", "http://10.0.0.5:9292"))
                .isEqualTo("http://10.0.0.5:9292");
        assertThat(OpenStackConnection.checkScheme("https://127.0.0.1:5000/v3", "http://127.0.0.1:9292"))
                .isEqualTo("http://127.0.0.1:9292");
    }
}
