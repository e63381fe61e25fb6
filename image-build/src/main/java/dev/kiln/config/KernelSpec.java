package dev.kiln.config;

/**
 * The {@code kernel} section. A null field is unset: later files override only what they set.
 * {@code tar} "none" or "" means no kernel.tar; unset means {@code kernel.tar}.
 */
public record KernelSpec(String image, String cmdline, String binary, String tar, String ucode) {

    public static final KernelSpec NONE = new KernelSpec(null, null, null, null, null);

    public boolean present() {
        return image != null && !image.isEmpty();
    }

    public String binaryOrDefault() {
        return binary == null || binary.isEmpty() ? "kernel" : binary;
    }

    /** The kernel.tar name inside the image, or null when none is wanted. */
    public String tarOrDefault() {
        if (tar == null) {
            return "kernel.tar";
        }
        return tar.isEmpty() || tar.equals("none") ? null : tar;
    }

    public String cmdlineOrEmpty() {
        return cmdline == null ? "" : cmdline;
    }

    /** Fields set in {@code later} win, as LinuxKit's AppendConfig does. */
    public KernelSpec overriddenBy(KernelSpec later) {
        return new KernelSpec(nonEmpty(later.image, image), nonEmpty(later.cmdline, cmdline),
                nonEmpty(later.binary, binary), later.tar != null ? later.tar : tar,
                later.ucode != null ? later.ucode : ucode);
    }

    private static String nonEmpty(String later, String earlier) {
        return later != null && !later.isEmpty() ? later : earlier;
    }
}
