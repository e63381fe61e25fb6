package dev.kiln.cli;

import dev.kiln.api.KilnException;
import dev.kiln.spi.Made;
import dev.kiln.spi.Provider;
import dev.kiln.spi.Resource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code kiln rm NAME ...}: every argument is resolved before anything is removed, so a name that is ambiguous
 * (without {@code --all}), unknown, or not kiln's (without {@code --force}) removes nothing; then each item goes
 * with all behind it. A failure does not stop the others; Ctrl-C stops at the next item. Either way the result says
 * what was removed and what is left.
 */
final class Removal {

    /**
     * One item of the plan and how it went.
     *
     * @param removed what the provider removed (empty when it was already gone, or not tried)
     * @param error   why it is left; null when it was removed (or this is a dry run)
     */
    record Item(Made made, List<Resource> removed, String error) {
        Item {
            removed = List.copyOf(removed);
        }
    }

    private final Session session;
    private final KilnCommand root;
    private final String providerName;
    private final Provider provider;

    Removal(Session session, KilnCommand root, String providerName, Provider provider) {
        this.session = session;
        this.root = root;
        this.providerName = providerName;
        this.provider = provider;
    }

    int run(List<String> names, boolean dryRun, boolean all, boolean force) throws InterruptedException {
        List<Made> plan = resolve(names, all, force);
        List<Item> items = new ArrayList<>();
        boolean interrupted = false;
        for (Made made : plan) {
            if (dryRun) {
                items.add(new Item(made, List.of(), null));
                continue;
            }
            if (interrupted) {
                items.add(new Item(made, List.of(), "interrupted before it was removed"));
                continue;
            }
            try {
                session.interrupts().token().throwIfCancelled();
                items.add(new Item(made, provider.remove(made), null));
            } catch (InterruptedException e) {
                // the report still has to be written: clear the flag, as a cancelled token says the rest
                Thread.interrupted();
                interrupted = true;
                items.add(new Item(made, List.of(), "interrupted while it was being removed"));
            } catch (KilnException e) {
                items.add(new Item(made, List.of(), e.getMessage()));
            }
        }
        root.renderer().close();
        root.results().rm(providerName, dryRun, interrupted, items);
        List<Item> left = items.stream().filter(i -> i.error() != null).toList();
        if (left.isEmpty()) {
            return Kiln.OK;
        }
        session.err().println("kiln: " + (interrupted ? "interrupted. " : "") + OperatorErrors.printable(
                "left " + String.join("; ", left.stream().map(i -> i.made() + " (" + i.error() + ")").toList())
                        + "; run kiln rm " + providerName + " again for what is left"));
        session.err().flush();
        return interrupted ? Kiln.INTERRUPTED : Kiln.FAILURE;
    }

    private List<Made> resolve(List<String> names, boolean all, boolean force) throws InterruptedException {
        Map<String, Made> plan = new LinkedHashMap<>();
        for (String name : names) {
            List<Made> found = provider.find(name);
            if (found.isEmpty()) {
                throw KilnException.tried("remove '" + name + "' on " + providerName, "kiln found no image or "
                        + "instance with that id or name", "run kiln ls " + providerName + " (with the same flags) to "
                        + "see what kiln made there; nothing was removed");
            }
            if (found.size() > 1 && !all) {
                throw KilnException.usage("'" + name + "' names " + found.size() + " things on " + providerName + ": "
                        + String.join(", ", found.stream().map(Made::toString).toList()) + "; give an id, or --all "
                        + "to remove every one; nothing was removed");
            }
            for (Made made : found) {
                if (!made.byKiln() && !force) {
                    throw KilnException.usage(made + " carries none of kiln's tags, so kiln did not make it; kiln rm "
                            + "removes it only with --force; nothing was removed");
                }
                plan.putIfAbsent(made.kind() + " " + made.id(), made);
            }
        }
        return List.copyOf(plan.values());
    }
}
