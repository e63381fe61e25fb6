package dev.kiln.aws;

import dev.kiln.api.KilnException;

import java.util.List;
import java.util.Optional;

/**
 * The caller's images that matter to a push: those with the same content digest and those with
 * the same name (AMI names are unique per account and region).
 */
record Existing(List<OwnImage> all, String digest) {

    Existing {
        all = List.copyOf(all);
    }

    static Existing find(OwnImages images, String name, String digest) {
        return new Existing(images.withDigestOrName(digest, name), digest);
    }

    Optional<OwnImage> sameDigest() {
        return all.stream().filter(i -> i.digest().equals(digest)).findFirst();
    }

    List<OwnImage> holdingName(String name) {
        return all.stream().filter(i -> i.name().equals(name)).toList();
    }

    String ids() {
        return String.join(", ", all.stream().map(OwnImage::imageId).toList());
    }

    /** Refuses what the policy forbids, before anything is uploaded. */
    void check(PushSettings.IfExists policy, String name) {
        if (policy == PushSettings.IfExists.REPLACE || all.isEmpty()) {
            return;
        }
        if (policy == PushSettings.IfExists.FAIL) {
            throw KilnException.tried("publish " + name, "image " + ids() + " already exists with this digest or name",
                    "pass --if-exists skip to reuse it or --if-exists replace to replace it");
        }
        OwnImage other = holdingName(name).get(0);
        throw KilnException.tried("publish " + name, "image " + other.imageId() + " already has the name " + name
                        + " with other content (" + (other.digest().isEmpty() ? "no kiln:digest tag" : other.digest()) + ")",
                "pass --if-exists replace to replace it, or choose another --name");
    }
}
