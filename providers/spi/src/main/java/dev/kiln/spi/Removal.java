package dev.kiln.spi;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;

import java.util.ArrayList;
import java.util.List;

/**
 * How one provider removes one thing {@code kiln rm} names; {@link #inOrder} does the rest the same way for every
 * cloud: the thing first, then its {@link Made#parts} in order, a {@code removed ...} line for each, and on a
 * failure one message that says what was removed and what is left, each with the command that removes it by hand.
 */
public interface Removal {

    /** Deletes {@code resource} and waits until it is gone; "already gone" counts as deleted. */
    void delete(Resource resource) throws InterruptedException;

    /** The cloud's own command line that deletes {@code resource}, for what is left after a failure. */
    String command(Resource resource);

    /** True when {@code failure} of a delete means the thing was already gone (the cloud's 404); it counts as removed. */
    default boolean gone(RuntimeException failure) {
        return false;
    }

    /** {@code failure} of removing {@code resource} in the provider's words: "Tried to remove ... but ...". */
    default KilnException failed(Resource resource, RuntimeException failure) {
        return KilnException.tried("remove " + resource, null, "", failure);
    }

    /**
     * Removes {@code made}, then its parts in order, and returns what was removed. A failure stops there and is
     * thrown as a {@link KilnException} whose message is the provider's, then {@code . Removed: ...} (or
     * {@code . Nothing was removed}) and {@code ; left: THING (COMMAND), ...}.
     */
    static List<Resource> inOrder(Made made, Removal removal, Events events) throws InterruptedException {
        List<Resource> all = new ArrayList<>(List.of(made.resource()));
        all.addAll(made.parts());
        List<Resource> removed = new ArrayList<>();
        for (Resource resource : all) {
            try {
                removal.delete(resource);
            } catch (RuntimeException e) {
                if (!removal.gone(e)) {
                    throw failure(removal, resource, all.subList(removed.size(), all.size()), removed, e);
                }
            }
            removed.add(resource);
            events.info("removed " + resource);
        }
        return removed;
    }

    private static KilnException failure(Removal removal, Resource at, List<Resource> left, List<Resource> removed,
                                         RuntimeException e) {
        String message = removal.failed(at, e).getMessage()
                + (removed.isEmpty() ? ". Nothing was removed" : ". Removed: " + String.join(", ",
                removed.stream().map(Resource::toString).toList()))
                + "; left: " + String.join(", ", left.stream().map(r -> r + " (" + removal.command(r) + ")").toList());
        return new KilnException(message, e);
    }
}
