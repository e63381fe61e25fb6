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
    /** On instances: the AMI they were started from. */
    static final String IMAGE = "kiln:image";

    private Tags() {
    }

    static Map<String, String> forImage(String name, String digest, Map<String, String> extra) {
        Map<String, String> tags = new LinkedHashMap<>(checked(extra));
        tags.put(NAME, name);
        tags.put(DIGEST, digest);
        tags.put(VERSION, Version.get());
        return tags;
    }

    /** The user's tags, refusing kiln's and AWS's reserved prefixes. */
    static Map<String, String> checked(Map<String, String> tags) {
        for (String key : tags.keySet()) {
            if (key.isEmpty()) {
                throw KilnException.usage("--tag needs a key: KEY=VALUE");
            }
            if (key.startsWith("kiln:") || key.startsWith("aws:")) {
                throw KilnException.usage("--tag " + key + ": keys starting with kiln: or aws: are reserved");
            }
        }
        return new LinkedHashMap<>(tags);
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
