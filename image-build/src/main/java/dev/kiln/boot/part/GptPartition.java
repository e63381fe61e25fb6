package dev.kiln.boot.part;

import java.util.Objects;
import java.util.UUID;

/** One GPT partition entry (UEFI 2.10, 5.3.3); LBAs are 512-byte sectors, {@code lastLba} inclusive. */
public record GptPartition(UUID type, UUID id, long firstLba, long lastLba, long attributes, String name) {

    public GptPartition {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        if (firstLba > lastLba) {
            throw new IllegalArgumentException("partition ends before it starts");
        }
    }
}
