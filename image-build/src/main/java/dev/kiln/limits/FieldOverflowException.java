package dev.kiln.limits;

import dev.kiln.api.KilnException;

/** A value does not fit the fixed-width field a format gives it; writing it would wrap silently. */
public final class FieldOverflowException extends KilnException {

    private final String field;
    private final long value;

    public FieldOverflowException(String field, long value, String range) {
        super(field + " is " + value + ", which does not fit its field (" + range
                + "); refusing to write a wrapped value");
        this.field = field;
        this.value = value;
    }

    public String field() {
        return field;
    }

    public long value() {
        return value;
    }
}
