package dev.kiln.spi;

import dev.kiln.api.KilnException;
import dev.kiln.api.PublishPolicy.IfExists;

import java.util.Optional;

/**
 * The one engine behind {@code --if-exists skip|replace|fail}. A provider says how to find, create and retire
 * its images; the engine decides, so {@code replace} never leaves the user with neither image:
 * <ul>
 * <li>where two images can exist side by side (GCE images in a family, gallery versions), the new image is
 * created first and the old one retired after ({@link #sideBySide});</li>
 * <li>where names are unique (AWS AMI names), everything slow is done first ({@link UniqueNames#prepare}),
 * then the old image is released and the new one registered at once; if that registration fails, the old
 * image is restored from what was kept and the error names its new id ({@link #uniqueNames}).</li>
 * </ul>
 */
public final class ExistingImages {

    private ExistingImages() {
    }

    /** How a provider finds its own images; {@code I} is its handle of one image. */
    public interface Catalog<I> {

        /** An own image holding the request's content digest (a tag or label kiln set). */
        Optional<I> findByDigest() throws InterruptedException;

        /** An own image of the request's name. */
        Optional<I> findByName() throws InterruptedException;

        /** How the image reads in messages: "ami-0123 (hello)". */
        String describe(I image);
    }

    /** A cloud where the new image can exist beside the old one. */
    public interface SideBySide<I> extends Catalog<I> {

        I create() throws InterruptedException;

        void retire(I old) throws InterruptedException;
    }

    /**
     * A cloud where an image name is unique. {@code P} is what {@link #prepare} made (an uploaded snapshot),
     * {@code R} what {@link #release} kept of the old image to restore it (its snapshot, settings and tags).
     */
    public interface UniqueNames<I, P, R> extends Catalog<I> {

        /** Everything but taking the name: upload, snapshot, wait. */
        P prepare() throws InterruptedException;

        /** Takes the name: registers the prepared image. */
        I register(P prepared) throws InterruptedException;

        /** Frees the name, keeping what is needed to restore the old image. */
        R release(I old) throws InterruptedException;

        /** Registers the old image again from what {@link #release} kept, with its old settings and tags. */
        I restore(R released) throws InterruptedException;

        /** The new image is registered: what was kept of the old one may go. */
        void discard(R released) throws InterruptedException;
    }

    /** What happened: the image to report, the outcome, and the old image that was retired, if any. */
    public record Published<I>(Optional<I> image, PushResult.Outcome outcome, Optional<I> retired) {
    }

    /** Create-then-retire publishing. In a dry run only the lookups are made. */
    public static <I> Published<I> sideBySide(IfExists policy, boolean dryRun, SideBySide<I> cloud)
            throws InterruptedException {
        Optional<I> old = existing(cloud);
        if (old.isPresent() && policy == IfExists.SKIP) {
            return new Published<>(old, PushResult.Outcome.EXISTED, Optional.empty());
        }
        if (old.isPresent() && policy == IfExists.FAIL) {
            throw exists(cloud, old.get());
        }
        if (dryRun) {
            return new Published<>(Optional.empty(), PushResult.Outcome.DRY_RUN, old);
        }
        I made = cloud.create();
        if (old.isEmpty()) {
            return new Published<>(Optional.of(made), PushResult.Outcome.CREATED, Optional.empty());
        }
        cloud.retire(old.get());
        return new Published<>(Optional.of(made), PushResult.Outcome.REPLACED, old);
    }

    /** Prepare, then release-and-register at once, restoring the old image if registration fails. */
    public static <I, P, R> Published<I> uniqueNames(IfExists policy, boolean dryRun, UniqueNames<I, P, R> cloud)
            throws InterruptedException {
        Optional<I> byDigest = cloud.findByDigest();
        Optional<I> byName = cloud.findByName();
        Optional<I> old = byDigest.or(() -> byName);
        if (old.isPresent() && policy == IfExists.SKIP) {
            return new Published<>(old, PushResult.Outcome.EXISTED, Optional.empty());
        }
        if (old.isPresent() && policy == IfExists.FAIL) {
            throw exists(cloud, old.get());
        }
        if (dryRun) {
            return new Published<>(Optional.empty(), PushResult.Outcome.DRY_RUN, byName);
        }
        P prepared = cloud.prepare();
        if (byName.isEmpty()) {
            return new Published<>(Optional.of(cloud.register(prepared)), PushResult.Outcome.CREATED, Optional.empty());
        }
        R released = cloud.release(byName.get());
        I made;
        try {
            made = cloud.register(prepared);
        } catch (RuntimeException | InterruptedException e) {
            throw restored(cloud, byName.get(), released, e);
        }
        cloud.discard(released);
        return new Published<>(Optional.of(made), PushResult.Outcome.REPLACED, byName);
    }

    private static <I> Optional<I> existing(Catalog<I> cloud) throws InterruptedException {
        Optional<I> byDigest = cloud.findByDigest();
        return byDigest.isPresent() ? byDigest : cloud.findByName();
    }

    private static <I> KilnException exists(Catalog<I> cloud, I old) {
        return KilnException.usage("An image already exists: " + cloud.describe(old)
                + "; pass --if-exists skip to keep it or --if-exists replace to publish anew");
    }

    private static <I, P, R> RuntimeException restored(UniqueNames<I, P, R> cloud, I old, R released, Exception cause) {
        String why = KilnException.reason(cause);
        try {
            I back = cloud.restore(released);
            return KilnException.tried("register the new image in place of " + cloud.describe(old), why,
                    "the old image was registered again as " + cloud.describe(back) + " with its old settings and tags",
                    cause);
        } catch (RuntimeException | InterruptedException again) {
            return KilnException.tried("register the new image in place of " + cloud.describe(old), why
                            + ", and restoring the old image failed too (" + KilnException.reason(again) + ")",
                    "its snapshot was kept: register it again by hand", cause);
        }
    }
}
