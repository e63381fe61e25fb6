package dev.kiln.gcp;

import com.google.cloud.compute.v1.GetImageRequest;
import com.google.cloud.compute.v1.Image;
import com.google.cloud.compute.v1.ImagesClient;
import com.google.cloud.compute.v1.ListImagesRequest;
import dev.kiln.spi.Made;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The images kiln made in a project, as {@code kiln ls gcp images} and {@code kiln rm gcp} see them: images.list
 * filtered by kiln's labels (cloud.google.com/compute/docs/reference/rest/v1/images/list, {@code labels.KEY:*}
 * for "has the label"), images.get by name. The whole content digest is read from the description, where push
 * writes {@code kiln-digest: DIGEST} (the kiln-digest label holds 32 hex digits only).
 */
final class KilnImages {

    private static final Pattern NOTE = Pattern.compile(Pattern.quote(GcpNames.DIGEST_NOTE) + "(\\S+?)\\)?(\\s|$)");
    /** Descriptions kiln wrote before the note: "NAME built by kiln VERSION (sha256:...)". */
    private static final Pattern OLD_NOTE = Pattern.compile("\\((sha256:[0-9a-f]{64})\\)");

    private final ImagesClient images;
    private final GcpCalls calls;
    private final String project;

    KilnImages(ImagesClient images, GcpCalls calls, String project) {
        this.images = images;
        this.calls = calls;
        this.project = project;
    }

    /** Every image carrying the kiln-digest label, newest first. */
    List<Made> all() throws InterruptedException {
        return list("labels." + GcpNames.DIGEST_LABEL + ":*");
    }

    /** The images labelled kiln-name = {@code name}. */
    List<Made> named(String name) throws InterruptedException {
        return list("labels." + GcpNames.NAME_LABEL + " = \"" + name + "\"");
    }

    /** The image called {@code name} in the project, kiln's or not. */
    Optional<Made> byName(String name) throws InterruptedException {
        GetImageRequest request = GetImageRequest.newBuilder().setProject(project).setImage(name).build();
        return calls.find("look up image " + name + " in project " + project, () -> images.getCallable().call(request))
                .map(this::made);
    }

    private List<Made> list(String filter) throws InterruptedException {
        List<Made> found = new ArrayList<>();
        String page = "";
        do {
            ListImagesRequest request = ListImagesRequest.newBuilder().setProject(project).setFilter(filter)
                    .setPageToken(page).build();
            var list = calls.call("list images (" + filter + ") in project " + project,
                    () -> images.listCallable().call(request));
            list.getItemsList().forEach(i -> found.add(made(i)));
            page = list.getNextPageToken();
        } while (!page.isEmpty());
        found.sort(Made.newestFirst());
        return found;
    }

    private Made made(Image image) {
        var labels = image.getLabelsMap();
        return Made.builder(Made.Kind.IMAGE, "projects/" + project + "/global/images/" + image.getName())
                .name(labels.getOrDefault(GcpNames.NAME_LABEL, image.getName()))
                .location(String.join(",", image.getStorageLocationsList()))
                .digest(digest(image.getDescription())).created(instant(image.getCreationTimestamp()))
                .state(image.getStatus().toLowerCase(java.util.Locale.ROOT))
                .byKiln(labels.containsKey(GcpNames.DIGEST_LABEL)).tags(new java.util.TreeMap<>(labels)).build();
    }

    static String digest(String description) {
        Matcher note = NOTE.matcher(description);
        if (note.find()) {
            return note.group(1);
        }
        Matcher old = OLD_NOTE.matcher(description);
        return old.find() ? old.group(1) : "";
    }

    /** GCE timestamps are RFC 3339 ({@code 2026-11-22T02:04:57.770-08:00}). */
    static Instant instant(String text) {
        try {
            return text.isEmpty() ? null : OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
