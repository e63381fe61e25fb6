package dev.kiln.api;

import java.util.Locale;

/** The CPU an image is built for, by the names OCI and Debian use. */
public enum Architecture {
    AMD64("amd64"),
    ARM64("arm64");

    private final String id;

    Architecture(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** {@code amd64}/{@code x86_64} or {@code arm64}/{@code aarch64}; anything else is a usage error. */
    public static Architecture of(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64", "x86-64" -> AMD64;
            case "arm64", "aarch64" -> ARM64;
            default -> throw KilnException.usage("--arch must be amd64 or arm64, not '" + text + "'");
        };
    }

    @Override
    public String toString() {
        return id;
    }
}
