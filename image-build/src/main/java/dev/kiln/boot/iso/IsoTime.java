package dev.kiln.boot.iso;

/**
 * The one timestamp kiln writes into volumes, so the same inputs give the same bytes:
 * 2024-01-01T00:00:00Z, the reactor's reproducible-build timestamp.
 */
final class IsoTime {

    /** ECMA-119 9.1.5 "recording date and time": years since 1900, month, day, h, m, s, GMT offset. */
    static final byte[] RECORD = {124, 1, 1, 0, 0, 0, 0};

    /** ECMA-119 8.4.26.1 volume descriptor date: 16 digits and a GMT offset byte. */
    static final String DESCRIPTOR = "2024010100000000";

    private IsoTime() {
    }
}
