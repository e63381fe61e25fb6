package dev.kiln.config;

import java.util.List;

/** An OCI mount object ({@code destination}, {@code type}, {@code source}, {@code options}); null when unset. */
public record MountSpec(String destination, String type, String source, List<String> options) {

    public MountSpec {
        options = options == null ? List.of() : List.copyOf(options);
    }
}
