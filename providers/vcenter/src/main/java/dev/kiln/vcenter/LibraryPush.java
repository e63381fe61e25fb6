package dev.kiln.vcenter;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.api.Version;
import dev.kiln.spi.Cleanup;
import dev.kiln.spi.ExistingImages;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.spi.Resource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code push vcenter} into a content library. Item names are unique in a library, so this goes through the
 * SPI's unique-names engine: the new item is made and filled under a temporary name (one update session), then
 * renamed to the image name; with {@code --if-exists replace} the old item is renamed aside first, renamed back
 * if taking the name fails, and deleted after. A failure or Ctrl-C deletes what this push made.
 */
final class LibraryPush implements ExistingImages.UniqueNames<ContentLibrary.Item, ContentLibrary.Item, ContentLibrary.Item> {

    private final VcenterRest rest;
    private final ContentLibrary library;
    private final UpdateSession session;
    private final Cleanup cleanup;
    private final Events events;
    private final PushRequest request;
    private final String libraryId;
    private final OvfFiles files;
    private final Tagging tagging;

    LibraryPush(VcenterRest rest, UpdateSession session, Cleanup cleanup, Events events, PushRequest request,
                String libraryId, OvfFiles files) {
        this.rest = rest;
        this.library = new ContentLibrary(rest);
        this.session = session;
        this.cleanup = cleanup;
        this.events = events;
        this.request = request;
        this.libraryId = libraryId;
        this.files = files;
        this.tagging = new Tagging(rest, cleanup, events);
    }

    /** Publishes under the request's policy; the library may be null in a dry run (it would be created). */
    static PushResult push(VcenterRest rest, UpdateSession session, Cleanup cleanup, Events events, PushRequest request,
                           String libraryName, String libraryId, OvfFiles files) throws InterruptedException {
        PushResult.Builder result = PushResult.builder("vcenter", request).tags(tags(request));
        if (libraryId == null) {
            events.info("dry run: would create content library " + libraryName + " and upload "
                    + files.parts().stream().map(OvfFiles.Part::name).toList());
            return result.outcome(PushResult.Outcome.DRY_RUN).build();
        }
        LibraryPush push = new LibraryPush(rest, session, cleanup, events, request, libraryId, files);
        if (!request.dryRun()) {
            push.removeLeftovers();
        }
        ExistingImages.Published<ContentLibrary.Item> done =
                ExistingImages.uniqueNames(request.policy().ifExists(), request.dryRun(), push);
        done.retired().ifPresent(old -> result.resource(Resource.of("retired library item", old.id(), libraryName)));
        done.image().ifPresent(item -> result.image(libraryName, item.id()));
        if (request.dryRun()) {
            events.info("dry run: would upload " + files.parts().stream().map(OvfFiles.Part::name).toList()
                    + " into content library " + libraryName);
        }
        return result.outcome(done.outcome()).resource(Resource.of("content library", libraryId, libraryName)).build();
    }

    /** kiln's tags, then {@code --tag KEY=VALUE}: each becomes the vSphere tag VALUE in the category KEY. */
    static Map<String, String> tags(PushRequest request) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("kiln-name", request.name());
        tags.put("kiln-digest", request.contentDigest());
        tags.put("kiln-version", Version.get());
        tags.putAll(request.policy().tags());
        return tags;
    }

    /** Items of this name with no files: what an interrupted import (govc's library.import) leaves behind. */
    private void removeLeftovers() throws InterruptedException {
        for (String id : library.itemIds(libraryId, request.name())) {
            if (library.files(id).isEmpty()) {
                events.warn("deleting empty library item " + id + " (" + request.name()
                        + "), left by an import that did not finish");
                library.deleteItem(id);
            }
        }
    }

    /**
     * The item of this name carrying the digest: by its {@code kiln-digest} tag, or, on a vCenter without
     * tagging, by the digest kiln writes in its description.
     */
    @Override
    public Optional<ContentLibrary.Item> findByDigest() throws InterruptedException {
        List<String> named = library.itemIds(libraryId, request.name());
        if (named.isEmpty()) {
            return Optional.empty();
        }
        if (tagging.available()) {
            Set<String> tagged = tagging.tagged(Tagging.DIGEST_CATEGORY, request.contentDigest(),
                    Tagging.LIBRARY_ITEM);
            for (String id : named) {
                if (tagged.contains(id)) {
                    return Optional.of(library.item(id));
                }
            }
            return Optional.empty();
        }
        for (String id : named) {
            ContentLibrary.Item item = library.item(id);
            if (item.digest().filter(request.contentDigest()::equals).isPresent()) {
                return Optional.of(item);
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<ContentLibrary.Item> findByName() throws InterruptedException {
        for (String id : library.itemIds(libraryId, request.name())) {
            return Optional.of(library.item(id));
        }
        return Optional.empty();
    }

    @Override
    public String describe(ContentLibrary.Item image) {
        return "library item " + image.id() + " (" + image.name() + ")";
    }

    private String description() {
        String text = request.policy().description().orElse("kiln image " + request.name());
        return text + "\n" + ContentLibrary.DIGEST_MARK + request.contentDigest();
    }

    @Override
    public ContentLibrary.Item prepare() throws InterruptedException {
        String temp = request.name() + ".kiln-upload-" + request.digestHex().substring(0, Math.min(12,
                request.digestHex().length()));
        for (String id : library.itemIds(libraryId, temp)) {
            library.deleteItem(id);
        }
        String id = library.createItem(libraryId, temp, description());
        cleanup.add("library item " + id + " (" + temp + ")", "govc library.rm " + id,
                () -> rest.regardlessOfCancel(() -> library.deleteItemAndSessions(id)));
        events.info("uploading " + files.parts().size() + " files (" + files.totalBytes() + " bytes) into library item "
                + id);
        session.fill(id, files);
        tagging.attach(Tagging.LIBRARY_ITEM, id, tags(request));
        return new ContentLibrary.Item(id, temp, description());
    }

    @Override
    public ContentLibrary.Item register(ContentLibrary.Item prepared) throws InterruptedException {
        library.rename(prepared.id(), request.name());
        return new ContentLibrary.Item(prepared.id(), request.name(), prepared.description());
    }

    @Override
    public ContentLibrary.Item release(ContentLibrary.Item old) throws InterruptedException {
        String aside = old.name() + ".kiln-old-" + old.id().substring(0, Math.min(8, old.id().length()));
        library.rename(old.id(), aside);
        return old;
    }

    @Override
    public ContentLibrary.Item restore(ContentLibrary.Item released) throws InterruptedException {
        library.rename(released.id(), released.name());
        return released;
    }

    @Override
    public void discard(ContentLibrary.Item released) throws InterruptedException {
        try {
            library.deleteItem(released.id());
        } catch (KilnException e) {
            events.warn("the new item took the name, but the old item " + released.id() + " could not be deleted: "
                    + KilnException.reason(e) + "; remove it with 'govc library.rm " + released.id() + "'");
        }
    }
}
