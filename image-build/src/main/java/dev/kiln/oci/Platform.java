package dev.kiln.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.KilnException;

/**
 * A target platform, {@code linux/amd64} or {@code linux/arm64}, as named in an image index's
 * {@code platform} objects (OCI image-spec, image-index.md).
 */
public record Platform(String os, String architecture) {

    public static final Platform AMD64 = new Platform("linux", "amd64");
    public static final Platform ARM64 = new Platform("linux", "arm64");

    /** The platform for a {@code --arch} value; {@code x86_64} and {@code aarch64} are accepted as aliases. */
    public static Platform of(String arch) {
        return switch (arch == null ? "" : arch.trim()) {
            case "amd64", "x86_64" -> AMD64;
            case "arm64", "aarch64" -> ARM64;
            default -> throw KilnException.usage("The architecture must be amd64 or arm64, not '" + arch + "'");
        };
    }

    /**
     * Whether an index entry's {@code platform} object (or an image config, which carries the
     * same fields at its top level) names this platform. arm64 entries may carry variant v8 or none.
     */
    public boolean matches(JsonNode platform) {
        if (platform == null || platform.isMissingNode() || platform.isNull()) {
            return false;
        }
        String variant = platform.path("variant").asText("");
        return os.equals(platform.path("os").asText())
                && architecture.equals(platform.path("architecture").asText())
                && (variant.isEmpty() || architecture.equals("arm64") && variant.equals("v8"));
    }

    @Override
    public String toString() {
        return os + "/" + architecture;
    }
}
