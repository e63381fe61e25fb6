package dev.kiln.api;

/**
 * The one failure type an operator sees. The message is written for a person at a terminal:
 * what kiln tried, why it failed, and what to do about it. It must never carry a secret.
 */
public class KilnException extends RuntimeException {

    private final boolean usage;

    public KilnException(String message) {
        this(message, null, false);
    }

    public KilnException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private KilnException(String message, Throwable cause, boolean usage) {
        super(message, cause);
        this.usage = usage;
    }

    /** "Tried to {action} but {reason}; {remedy}". The remedy may be empty. */
    public static KilnException tried(String action, String reason, String remedy) {
        return tried(action, reason, remedy, null);
    }

    public static KilnException tried(String action, String reason, String remedy, Throwable cause) {
        String why = reason == null || reason.isBlank() || reason.equals("null") ? reason(cause) : reason;
        StringBuilder text = new StringBuilder("Tried to ").append(action).append(" but ").append(why);
        if (remedy != null && !remedy.isBlank()) {
            text.append("; ").append(remedy);
        }
        return new KilnException(text.toString(), cause, false);
    }

    /**
     * Why {@code failure} happened, for the "but ..." part of a message: its message, or for a failure that has
     * none (an {@code EOFException}, a bare timeout) its kind, never {@code "null"}. File-system failures, whose
     * message is only a path, also say what went wrong with it.
     */
    public static String reason(Throwable failure) {
        if (failure == null) {
            return "it failed for a reason nobody reported";
        }
        String message = failure.getMessage();
        if (failure instanceof java.nio.file.FileSystemException f) {
            String what = failure instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : failure instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : failure instanceof java.nio.file.FileAlreadyExistsException ? "it already exists"
                    : f.getReason() != null ? f.getReason() : failure.getClass().getSimpleName();
            return f.getFile() == null ? what : f.getFile() + ": " + what;
        }
        if (message == null || message.isBlank() || message.equals("null")) {
            Throwable cause = failure.getCause();
            return cause != null && cause != failure ? failure.getClass().getSimpleName() + " (" + reason(cause) + ")"
                    : failure.getClass().getSimpleName();
        }
        return message;
    }

    /** A problem with what the user typed: the CLI exits with 2, like a picocli usage error. */
    public static KilnException usage(String message) {
        return new KilnException(message, null, true);
    }

    /** The same message, as a usage error: input the user must fix, found before anything ran (exit 2). */
    public KilnException asUsage() {
        KilnException usage = new KilnException(getMessage(), getCause(), true);
        usage.setStackTrace(getStackTrace());
        return usage;
    }

    public boolean isUsage() {
        return usage;
    }
}
