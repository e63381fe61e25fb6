package dev.kiln.oci;

import dev.kiln.api.KilnException;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A normalised image reference, following the rules of Docker's reference grammar
 * (distribution/reference, {@code normalize.go}): a first path component is a registry only
 * when it contains a dot or a colon or is {@code localhost}; otherwise the image lives on
 * Docker Hub, and a single-component name is an official image under {@code library/}.
 *
 * @param registry   e.g. {@code docker.io}, {@code ghcr.io}, {@code 127.0.0.1:5000}
 * @param repository e.g. {@code library/redis}
 * @param tag        the tag, {@code latest} when neither tag nor digest was given
 * @param digest     {@code sha256:...} when the reference pins one
 */
public record ImageReference(String registry, String repository, Optional<String> tag, Optional<String> digest) {

    public static final String DOCKER_HUB = "docker.io";

    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");

    public ImageReference {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(digest, "digest");
    }

    /** Parses and normalises {@code text}; {@code redis} becomes {@code docker.io/library/redis:latest}. */
    public static ImageReference parse(String text) {
        if (text == null || text.isBlank()) {
            throw KilnException.usage("An image reference must not be empty");
        }
        String rest = text.trim();
        Optional<String> digest = Optional.empty();
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = Optional.of(rest.substring(at + 1));
            rest = rest.substring(0, at);
            if (!DIGEST.matcher(digest.get()).matches()) {
                throw invalid(text, "the digest must be sha256: followed by 64 lower-case hex digits");
            }
        }
        Optional<String> tag = Optional.empty();
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = Optional.of(rest.substring(colon + 1));
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag.get()).matches()) {
                throw invalid(text, "the tag '" + tag.get() + "' has characters a tag may not have");
            }
        }
        String registry = DOCKER_HUB;
        int slash = rest.indexOf('/');
        if (slash > 0 && isRegistry(rest.substring(0, slash))) {
            registry = rest.substring(0, slash);
            rest = rest.substring(slash + 1);
        }
        if (registry.equals("index.docker.io") || registry.equals("registry-1.docker.io")) {
            registry = DOCKER_HUB;
        }
        if (registry.equals(DOCKER_HUB) && !rest.contains("/")) {
            rest = "library/" + rest;
        }
        for (String component : rest.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                throw invalid(text, "'" + component + "' is not a valid repository name component (lower case letters, digits, . _ -)");
            }
        }
        if (tag.isEmpty() && digest.isEmpty()) {
            tag = Optional.of("latest");
        }
        return new ImageReference(registry, rest, tag, digest);
    }

    private static boolean isRegistry(String component) {
        return component.contains(".") || component.contains(":") || component.equals("localhost");
    }

    private static KilnException invalid(String text, String why) {
        return KilnException.usage("The image reference '" + text + "' is not valid: " + why);
    }

    /** {@code registry/repository}, without tag or digest. */
    public String name() {
        return registry + "/" + repository;
    }

    /** The tag or digest a registry's manifest endpoint is asked for; the digest wins. */
    public String manifestSelector() {
        return digest.orElseGet(tag::orElseThrow);
    }

    /** The same image pinned to {@code manifestDigest}. */
    public ImageReference withDigest(String manifestDigest) {
        return new ImageReference(registry, repository, tag, Optional.of(manifestDigest));
    }

    /** The full normalised form, as stored in the cache's {@code org.opencontainers.image.ref.name}. */
    @Override
    public String toString() {
        return name() + tag.map(t -> ":" + t).orElse("") + digest.map(d -> "@" + d).orElse("");
    }
}
