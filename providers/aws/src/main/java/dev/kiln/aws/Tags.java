package dev.kiln.aws;

import dev.kiln.api.KilnException;
import dev.kiln.api.Version;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** kiln's own tags (name, content digest, version) plus the user's {@code --tag k=v}. */
final class Tags {

    static final String NAME = "kiln:name";
    static final String DIGEST = "kiln:digest";
    static final String VERSION = "kiln:version";

    private Tags() {
    }

    static Map<String, String> forImage(String name, String digest, List<String> extra) {
        Map<String, String> tags = new LinkedHashMap<>(parse(extra));
        tags.put(NAME, name);
        tags.put(DIGEST, digest);
        tags.put(VERSION, Version.get());
        return tags;
    }

    /** {@code k=v} pairs; AWS allows empty values but not empty keys. */
    static Map<String, String> parse(List<String> pairs) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw KilnException.usage("--tag must look like KEY=VALUE, not '" + pair + "'");
            }
            String key = pair.substring(0, eq);
            if (key.startsWith("kiln:") || key.startsWith("aws:")) {
                throw KilnException.usage("--tag " + key + ": keys starting with kiln: or aws: are reserved");
            }
            tags.put(key, pair.substring(eq + 1));
        }
        return tags;
    }

    static List<software.amazon.awssdk.services.ec2.model.Tag> ec2(Map<String, String> tags) {
        return tags.entrySet().stream()
                .map(e -> software.amazon.awssdk.services.ec2.model.Tag.builder().key(e.getKey()).value(e.getValue()).build())
                .toList();
    }

    static List<software.amazon.awssdk.services.ebs.model.Tag> ebs(Map<String, String> tags) {
        return tags.entrySet().stream()
                .map(e -> software.amazon.awssdk.services.ebs.model.Tag.builder().key(e.getKey()).value(e.getValue()).build())
                .toList();
    }
}
