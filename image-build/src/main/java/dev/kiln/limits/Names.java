package dev.kiln.limits;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Names that become one path component (a container's bundle folder, an output's base name): a letter or
 * digit, then letters, digits, '.', '_' or '-'. No '/', no '..', no NUL, nothing an extractor could follow
 * out of its folder.
 */
public final class Names {

    public static final int MAX_LENGTH = 128;
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private Names() {
    }

    /** Why {@code name} is not a safe single path component, or empty when it is. */
    public static Optional<String> problem(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("it is empty");
        }
        if (name.length() > MAX_LENGTH) {
            return Optional.of("it is longer than " + MAX_LENGTH + " characters");
        }
        if (!SAFE.matcher(name).matches()) {
            return Optional.of("it must be one path component: a letter or digit, then letters, digits, '.', '_'"
                    + " or '-' (no '/', no '..')");
        }
        return Optional.empty();
    }

    public static boolean safe(String name) {
        return problem(name).isEmpty();
    }
}
