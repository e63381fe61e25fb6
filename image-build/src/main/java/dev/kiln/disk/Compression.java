package dev.kiln.disk;

/** Optional compression inside a container that allows a choice (qcow2 {@code -o compress=...}). */
public enum Compression {
    NONE, ZLIB, ZSTD;

    /** {@code none}, {@code zlib} or {@code zstd}, as qemu-img spells them. */
    public static Compression of(String text) {
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "", "none", "off" -> NONE;
            case "zlib", "deflate" -> ZLIB;
            case "zstd" -> ZSTD;
            default -> throw dev.kiln.api.KilnException.usage(
                    "Unknown compression '" + text + "'; choose zlib, zstd or none");
        };
    }
}
