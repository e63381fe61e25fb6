package dev.kiln.api;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Userdata for a guest: its bytes and where they came from ({@code --userdata}, {@code --userdata-file
 * app.json}). The bytes are secret: {@link #toString} never shows them.
 */
public final class Userdata {

    private final byte[] bytes;
    private final String origin;

    private Userdata(byte[] bytes, String origin) {
        this.bytes = bytes.clone();
        this.origin = Objects.requireNonNull(origin, "origin");
    }

    public static Userdata of(byte[] bytes, String origin) {
        return new Userdata(bytes, origin);
    }

    public static Userdata ofText(String text, String origin) {
        return new Userdata(text.getBytes(StandardCharsets.UTF_8), origin);
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public int size() {
        return bytes.length;
    }

    public String origin() {
        return origin;
    }

    @Override
    public String toString() {
        return "userdata (" + bytes.length + " bytes from " + origin + ")";
    }
}
