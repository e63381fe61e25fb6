package dev.kiln.api;

/**
 * How much userdata a cloud takes, and the rule in its words, for the error the CLI gives before any
 * call: e.g. {@code 16384, "EC2 takes at most 16 KiB before base64"}.
 */
public record UserdataLimit(int maxBytes, String rule) {

    public UserdataLimit {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive");
        }
        rule = rule == null ? "" : rule;
    }

    /** Refuses over-size userdata with a usage error that says the limit, the rule and what to do. */
    public void check(Userdata userdata, String provider) {
        if (userdata.size() > maxBytes) {
            throw KilnException.usage("Userdata from " + userdata.origin() + " is " + userdata.size() + " bytes; "
                    + provider + " takes at most " + maxBytes + (rule.isEmpty() ? "" : " (" + rule + ")")
                    + ". Compress it, or have the guest fetch the rest at boot");
        }
    }
}
