package dev.kiln.gcp;

import dev.kiln.api.KilnException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * GCE naming rules: resource names are RFC 1035 labels (cloud.google.com/compute/docs/naming-resources),
 * label keys and values follow cloud.google.com/compute/docs/labeling-resources.
 */
final class GcpNames {

    static final Pattern RESOURCE = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");
    static final Pattern LABEL_KEY = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
    static final Pattern LABEL_VALUE = Pattern.compile("[a-z0-9_-]{0,63}");
    static final String DIGEST_LABEL = "kiln-digest";
    static final String VERSION_LABEL = "kiln-version";
    /** The --name kiln gave an image or instance, by which {@code kiln ls} and {@code kiln rm} find it. */
    static final String NAME_LABEL = "kiln-name";
    /** On instances and their disks: the image they were started from. */
    static final String IMAGE_LABEL = "kiln-image";
    /** Where an image's description holds the whole content digest (a label holds only 63 characters). */
    static final String DIGEST_NOTE = "kiln-digest: ";

    private GcpNames() {
    }

    /** The name as given, or a usage error that shows the rule and a name that would pass. */
    static String resource(String what, String name) {
        if (!RESOURCE.matcher(name).matches()) {
            throw KilnException.usage("'" + name + "' is not a valid GCE " + what + " name: 1-63 characters,"
                    + " lower-case letters, digits and '-', starting with a letter and not ending with '-';"
                    + " try --name " + suggest(name));
        }
        return name;
    }

    static String suggest(String name) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[^-a-z0-9]", "-").replaceAll("-+", "-");
        if (s.isEmpty() || !Character.isLetter(s.charAt(0))) {
            s = "kiln-" + s;
        }
        s = s.length() > 63 ? s.substring(0, 63) : s;
        return s.replaceAll("-+$", "");
    }

    /**
     * The kiln-digest label from the digest's hex digits ({@code PushRequest.digestHex}): the first 32 (128 bits),
     * as label values hold 63 characters.
     */
    static String digestLabel(String hex) {
        return hex.substring(0, Math.min(32, hex.length()));
    }

    /** The first 12 hex digits, for object names. */
    static String digest12(String hex) {
        return hex.substring(0, Math.min(12, hex.length()));
    }

    /** kiln's version as a label value: {@code 0.1.0-SNAPSHOT} becomes {@code 0_1_0-snapshot}. */
    static String labelValue(String raw) {
        String v = raw.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "_");
        return v.length() > 63 ? v.substring(0, 63) : v;
    }

    /** {@code --tag k=v} values, checked against GCE's label rules. */
    static Map<String, String> labels(Map<String, String> tags) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (Map.Entry<String, String> tag : new java.util.TreeMap<>(tags).entrySet()) {
            String key = tag.getKey();
            String value = tag.getValue();
            String pair = key + "=" + value;
            if (!LABEL_KEY.matcher(key).matches() || !LABEL_VALUE.matcher(value).matches()) {
                throw KilnException.usage("--tag " + pair + " is not a valid GCE label: keys start with a"
                        + " lower-case letter, keys and values use lower-case letters, digits, '_' and '-',"
                        + " at most 63 characters");
            }
            if (key.startsWith("kiln-")) {
                throw KilnException.usage("--tag " + key + ": labels starting with kiln- are kiln's own");
            }
            labels.put(key, value);
        }
        return labels;
    }
}
