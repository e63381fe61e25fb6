package dev.kiln.oci;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * A user name and secret for one registry. With {@code identityToken} the secret is an OAuth2
 * refresh token (Docker's {@code identitytoken}), exchanged at the token endpoint.
 * {@link #toString()} never shows the secret.
 */
public record Credentials(String username, String secret, boolean identityToken) {

    public Credentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(secret, "secret");
    }

    /** The value of an {@code Authorization: Basic} header. */
    String basic() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "Credentials[" + username + ", ***]";
    }
}
