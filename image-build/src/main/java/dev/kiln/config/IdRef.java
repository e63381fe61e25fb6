package dev.kiln.config;

/**
 * A uid or gid as LinuxKit accepts it: a number, or the name of an onboot, onshutdown or service
 * container, whose allocated id (100, 101, ...) it stands for. {@code root} and "" mean 0.
 */
public record IdRef(String name, long number) {

    public static IdRef of(long number) {
        return new IdRef(null, number);
    }

    public static IdRef named(String name) {
        return new IdRef(name, 0);
    }

    public boolean isName() {
        return name != null;
    }

    /** The value as YAML would carry it: a Long or a String. */
    public Object value() {
        return isName() ? name : (Object) number;
    }
}
