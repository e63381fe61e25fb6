package dev.kiln.gcp;

import com.google.cloud.compute.v1.Image;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.spi.ExistingImages;
import dev.kiln.spi.Resource;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * GCE images as {@link ExistingImages} sees them. Images of one content carry the same kiln-digest label;
 * a name is unique, so a replacement made while the old image still holds the name gets a dated one
 * ({@code NAME-20261122-100000}; instances find it by {@code --family} or the label). Retiring removes every
 * image the new one supersedes: those of the same content and the kiln-made holder of the name. An image of
 * that name not made by kiln is never touched.
 */
final class GceImages implements ExistingImages.SideBySide<Image> {

    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    /** What publishing made: the image, and what else is left on purpose (a kept object). */
    record Made(Image image, List<Resource> resources) {
    }

    @FunctionalInterface
    interface Publisher {
        Made publish(String name) throws InterruptedException;
    }

    @FunctionalInterface
    interface Retirer {
        void retire(Image old) throws InterruptedException;
    }

    private final ImagePlan plan;
    private final FindImages find;
    private final Clock clock;
    private final Events events;
    private final Publisher publisher;
    private final Retirer retirer;
    private List<Image> sameContent = List.of();
    private Optional<Image> holder;
    private String newName;
    private final List<Resource> made = new ArrayList<>();
    private final List<Image> retired = new ArrayList<>();

    GceImages(ImagePlan plan, FindImages find, Clock clock, Events events, Publisher publisher, Retirer retirer) {
        this.plan = plan;
        this.find = find;
        this.clock = clock;
        this.events = events;
        this.publisher = publisher;
        this.retirer = retirer;
    }

    @Override
    public Optional<Image> findByDigest() throws InterruptedException {
        sameContent = find.withDigest(plan.project(), digestLabel());
        return sameContent.isEmpty() ? Optional.empty() : Optional.of(sameContent.get(sameContent.size() - 1));
    }

    /** The image holding the name; one not made by kiln stops the push whatever --if-exists says. */
    @Override
    public Optional<Image> findByName() throws InterruptedException {
        if (holder == null) {
            holder = find.named(plan.project(), plan.name());
        }
        if (holder.isPresent() && !holder.get().getLabelsMap().containsKey(GcpNames.DIGEST_LABEL)) {
            throw KilnException.tried("create image " + plan.name() + " in project " + plan.project(),
                    "an image of that name with other content exists, not made by kiln",
                    "choose another --name, or delete it with 'gcloud compute images delete " + plan.name() + "'");
        }
        return holder;
    }

    @Override
    public String describe(Image image) {
        String label = image.getLabelsMap().getOrDefault(GcpNames.DIGEST_LABEL, "");
        return "image " + image.getName() + (label.equals(digestLabel()) ? " already holds this content ("
                + GcpNames.DIGEST_LABEL + "=" + label + ")" : " (" + GcpNames.DIGEST_LABEL + "=" + label + ")");
    }

    @Override
    public Image create() throws InterruptedException {
        newName = freeName();
        Made result = publisher.publish(newName);
        made.addAll(result.resources());
        return result.image();
    }

    /** Retires {@code old} and every other image the new one supersedes, oldest first. */
    @Override
    public void retire(Image old) throws InterruptedException {
        Map<String, Image> superseded = new LinkedHashMap<>();
        sameContent.forEach(i -> superseded.put(i.getName(), i));
        findByName().ifPresent(i -> superseded.put(i.getName(), i));
        superseded.put(old.getName(), old);
        superseded.remove(newName);
        for (Image image : superseded.values()) {
            retirer.retire(image);
            retired.add(image);
        }
    }

    /** The name the new image got, once it has one. */
    Optional<String> newName() {
        return Optional.ofNullable(newName);
    }

    List<Resource> made() {
        return List.copyOf(made);
    }

    List<Image> retired() {
        return List.copyOf(retired);
    }

    /** The requested name, or a dated one while the image being replaced still holds it (new first, then old). */
    private String freeName() throws InterruptedException {
        if (findByName().isEmpty()) {
            return plan.name();
        }
        String base = plan.name().length() > 44 ? plan.name().substring(0, 44) : plan.name();
        String dated = base.replaceAll("-+$", "") + "-" + SUFFIX.format(clock.instant());
        String name = dated;
        for (int n = 2; find.named(plan.project(), name).isPresent(); n++) {
            name = dated + "-" + n;
        }
        events.info("image " + plan.name() + " will be replaced; the new image is " + name
                + " (find it by --family or the " + GcpNames.DIGEST_LABEL + " label)");
        return name;
    }

    private String digestLabel() {
        return plan.labels().get(GcpNames.DIGEST_LABEL);
    }
}
