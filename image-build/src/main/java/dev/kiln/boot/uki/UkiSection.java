package dev.kiln.boot.uki;

import dev.kiln.boot.io.Content;

import java.util.Objects;

/** One section a unified kernel image adds to the stub, such as {@code .linux} or {@code .initrd}. */
public record UkiSection(String name, Content content) {

    public UkiSection {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(content, "content");
        if (name.isEmpty() || name.length() > 8) {
            throw new IllegalArgumentException("PE section names have 1 to 8 bytes: " + name);
        }
    }
}
