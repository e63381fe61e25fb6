package dev.kiln.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@code push} publishes, the same on every cloud.
 *
 * @param ifExists    what to do when an image of the same content digest or name exists
 * @param isPublic    make the image usable by everyone
 * @param shareWith   accounts, projects or tenants to share with, as the cloud names them
 * @param description free text on the image; empty means the provider's default
 * @param tags        extra tags or labels ({@code --tag KEY=VALUE})
 */
public record PublishPolicy(IfExists ifExists, boolean isPublic, List<String> shareWith, Optional<String> description,
                            Map<String, String> tags) {

    /** {@code --if-exists}: skip reports the existing image, replace publishes anew, fail stops. */
    public enum IfExists {
        SKIP, REPLACE, FAIL;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static IfExists of(String text) {
            for (IfExists v : values()) {
                if (v.id().equals(text)) {
                    return v;
                }
            }
            throw KilnException.usage("--if-exists must be skip, replace or fail, not '" + text + "'");
        }
    }

    public static final PublishPolicy DEFAULT = new PublishPolicy(IfExists.SKIP, false, List.of(), Optional.empty(),
            Map.of());

    public PublishPolicy {
        Objects.requireNonNull(ifExists, "ifExists");
        shareWith = List.copyOf(shareWith);
        Objects.requireNonNull(description, "description");
        tags = Map.copyOf(tags);
    }

    public PublishPolicy withIfExists(IfExists value) {
        return new PublishPolicy(value, isPublic, shareWith, description, tags);
    }
}
