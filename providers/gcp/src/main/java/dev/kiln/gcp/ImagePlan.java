package dev.kiln.gcp;

import dev.kiln.api.Architecture;
import dev.kiln.api.BootMode;
import dev.kiln.api.KilnException;
import dev.kiln.api.PublishPolicy.IfExists;
import dev.kiln.api.Version;
import dev.kiln.spi.Options;
import dev.kiln.spi.PushRequest;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything {@code push gcp} will do, worked out and checked before the first request.
 *
 * @param object    the Cloud Storage object name, {@code NAME-DIGEST12.tar.gz}
 * @param shareWith IAM members granted use of the image ({@code --share-with}, and allAuthenticatedUsers for
 *                  {@code --public})
 */
record ImagePlan(String project, String name, String bucket, String object, Optional<String> family,
                 String description, Map<String, String> labels, Set<String> features, List<String> licenses,
                 Optional<String> storageLocation, String architecture, IfExists ifExists, List<String> shareWith,
                 boolean keepObject, Duration timeout, String contentDigest) {

    /** GCE's licence that allows nested virtualisation (cloud.google.com/compute/docs/instances/nested-virtualization). */
    static final String NESTED_VIRT_LICENSE =
            "https://compute.googleapis.com/compute/v1/projects/vm-options/global/licenses/enable-vmx";

    private static final Pattern FEATURE = Pattern.compile("[A-Z][A-Z0-9_]*");
    private static final Pattern MEMBER = Pattern.compile("(user|group|serviceAccount|domain):[^\\s:]+");

    ImagePlan {
        labels = Map.copyOf(labels);
        features = Set.copyOf(features);
        licenses = List.copyOf(licenses);
        shareWith = List.copyOf(shareWith);
    }

    static ImagePlan of(Options options, PushRequest request, String project) {
        String name = GcpNames.resource("image", request.name());
        String bucket = options.require("bucket");
        Optional<String> family = options.find("family").map(f -> GcpNames.resource("image family", f));
        return new ImagePlan(project, name, bucket, name + "-" + GcpNames.digest12(request.digestHex()) + ".tar.gz",
                family, description(request),
                labels(request), features(options, request), licenses(options),
                options.find("storage-location"), architecture(request.arch()), request.policy().ifExists(),
                shareWith(request), options.flag("keep-object"), timeout(options), request.contentDigest());
    }

    /** The name GCE uses for the image, as a relative resource name Terraform and gcloud accept. */
    String imageId() {
        return imageId(name);
    }

    String imageId(String imageName) {
        return "projects/" + project + "/global/images/" + imageName;
    }

    String sourceUri() {
        return "https://storage.googleapis.com/" + bucket + "/" + object;
    }

    /**
     * The --description, or "NAME built by kiln VERSION"; either way ending in "(kiln-digest: DIGEST)" unless it
     * holds that already, so {@code kiln ls} shows the whole content digest.
     */
    private static String description(PushRequest request) {
        String note = GcpNames.DIGEST_NOTE + request.contentDigest();
        String given = request.policy().description().orElse(request.name() + " built by kiln " + Version.get());
        return given.contains(note) ? given : given + " (" + note + ")";
    }

    private static Map<String, String> labels(PushRequest request) {
        Map<String, String> labels = new LinkedHashMap<>(GcpNames.labels(request.policy().tags()));
        labels.put(GcpNames.NAME_LABEL, request.name());
        labels.put(GcpNames.DIGEST_LABEL, GcpNames.digestLabel(request.digestHex()));
        labels.put(GcpNames.VERSION_LABEL, GcpNames.labelValue(Version.get()));
        return labels;
    }

    /**
     * UEFI_COMPATIBLE makes GCE boot the image with UEFI and lets it run as a Shielded VM (GCE replaced
     * SECURE_BOOT with it); without it GCE boots with BIOS, which a hybrid image can do too.
     */
    private static Set<String> features(Options options, PushRequest request) {
        Set<String> features = new LinkedHashSet<>();
        if (request.bootModes().contains(BootMode.UEFI) && options.flag("uefi-compatible")) {
            features.add("UEFI_COMPATIBLE");
        }
        features.add("VIRTIO_SCSI_MULTIQUEUE");
        features.add("GVNIC");
        for (String f : options.all("feature")) {
            String upper = f.toUpperCase(Locale.ROOT);
            if (!FEATURE.matcher(upper).matches()) {
                throw KilnException.usage("--feature " + f + " is not a guest OS feature name such as SEV_CAPABLE");
            }
            features.add(upper);
        }
        return features;
    }

    private static List<String> licenses(Options options) {
        return options.flag("nested-virt") ? List.of(NESTED_VIRT_LICENSE) : List.of();
    }

    private static String architecture(Architecture arch) {
        return switch (arch) {
            case AMD64 -> "X86_64";
            case ARM64 -> "ARM64";
        };
    }

    /**
     * IAM members (cloud.google.com/iam/docs/principal-identifiers): {@code user:}, {@code group:},
     * {@code serviceAccount:}, {@code domain:}; {@code --public} adds allAuthenticatedUsers.
     */
    private static List<String> shareWith(PushRequest request) {
        List<String> members = new java.util.ArrayList<>();
        for (String member : request.policy().shareWith()) {
            if (!MEMBER.matcher(member).matches()) {
                throw KilnException.usage("--share-with " + member + " is not an IAM member; GCE shares images with"
                        + " user:EMAIL, group:EMAIL, serviceAccount:EMAIL or domain:DOMAIN");
            }
            members.add(member);
        }
        if (request.policy().isPublic()) {
            members.add(ShareImage.MEMBER);
        }
        return members;
    }

    boolean shared() {
        return !shareWith.isEmpty();
    }

    private static Duration timeout(Options options) {
        Duration d = options.duration("import-timeout").orElse(Duration.ofMinutes(30));
        if (d.isZero() || d.isNegative()) {
            throw KilnException.usage("--import-timeout must be longer than zero");
        }
        return d;
    }
}
