package dev.kiln.packet;

import dev.kiln.api.KilnException;
import dev.kiln.spi.Made;
import dev.kiln.spi.Resource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The images push published in a destination, as {@code kiln ls packet images} and {@code kiln rm packet} see them:
 * each {@code NAME-equinixmetal.ipxe} whose text records kiln's digest ({@code # kiln-digest: }), with
 * {@code NAME-packet.ipxe} and the kernel and initrd it fetches (when they are NAME's files) as its parts. An image's
 * id is its script's URL, the artifact_id push reported.
 */
final class KilnScripts {

    private static final String SCRIPT = "-equinixmetal.ipxe";

    private final Destination dest;

    KilnScripts(Destination dest) {
        this.dest = dest;
    }

    /** Every script kiln wrote here, newest first. */
    List<Made> all() {
        return scripts().stream().filter(Made::byKiln).sorted(Made.newestFirst()).toList();
    }

    /** The script at URL {@code id} (a presigned URL's query ignored), kiln's or not. */
    Optional<Made> byId(String id) {
        String url = id.replaceFirst("[?#].*$", "");
        return scripts().stream().filter(m -> m.id().equals(url)).findFirst();
    }

    /** The script kiln wrote for NAME. */
    List<Made> named(String name) {
        return all().stream().filter(m -> m.name().equals(name)).toList();
    }

    /** The script first, so no machine boots a script whose files are gone; then the alias, kernel and initrd. */
    List<Resource> remove(Made made) {
        List<Resource> all = new ArrayList<>(List.of(made.resource()));
        all.addAll(made.parts());
        List<Resource> removed = new ArrayList<>();
        for (Resource r : all) {
            String file = IpxeScript.Fetches.fileName(r.id());
            try {
                dest.delete(file);
            } catch (IOException | RuntimeException e) {
                List<String> left = all.subList(removed.size(), all.size()).stream()
                        .map(x -> IpxeScript.Fetches.fileName(x.id())).toList();
                throw KilnException.tried("remove " + file + " from " + dest.describe(), PacketPush.reason(e),
                        (removed.isEmpty() ? "nothing was removed" : "removed " + removed.stream()
                                .map(x -> IpxeScript.Fetches.fileName(x.id())).collect(Collectors.joining(", ")))
                                + "; left " + String.join(", ", left) + ": run 'kiln rm packet " + made.id()
                                + "' again, or delete them from " + dest.describe(), e);
            }
            removed.add(r);
        }
        return removed;
    }

    private List<Made> scripts() {
        try {
            Map<String, Destination.Stored> files = dest.list().stream()
                    .collect(Collectors.toMap(Destination.Stored::file, Function.identity()));
            List<Made> found = new ArrayList<>();
            for (Destination.Stored s : files.values()) {
                if (s.file().endsWith(SCRIPT) && s.file().length() > SCRIPT.length()) {
                    dest.read(s.file()).ifPresent(text -> found.add(made(s, text, files)));
                }
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Made made(Destination.Stored script, String text, Map<String, Destination.Stored> files) {
        String name = script.file().substring(0, script.file().length() - SCRIPT.length());
        PacketPush.Names names = PacketPush.Names.of(name);
        Optional<String> digest = IpxeScript.recordedDigest(text);
        Made.Builder b = Made.builder(Made.Kind.IMAGE, dest.url(script.file())).name(name).location(dest.describe())
                .digest(digest.orElse("")).created(script.modified().orElse(null)).byKiln(digest.isPresent());
        if (files.containsKey(names.alias())) {
            b.part(Resource.of("ipxe-script-alias", dest.url(names.alias()), dest.describe()));
        }
        IpxeScript.Fetches fetches = IpxeScript.fetches(text);
        part(b, "kernel", fetches.kernel(), names, files);
        part(b, "initrd", fetches.initrd(), names, files);
        return b.build();
    }

    /** A boot file the script fetches, when it is one of NAME's files and it is still here. */
    private void part(Made.Builder b, String type, Optional<String> url, PacketPush.Names names,
                      Map<String, Destination.Stored> files) {
        url.map(IpxeScript.Fetches::fileName).filter(names::ownsBootFile).filter(files::containsKey)
                .ifPresent(file -> b.part(Resource.of(type, dest.url(file), dest.describe())));
    }
}
