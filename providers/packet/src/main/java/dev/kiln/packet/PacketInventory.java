package dev.kiln.packet;

import dev.kiln.api.KilnException;
import dev.kiln.spi.Made;
import dev.kiln.spi.Options;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.Resource;

import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code kiln ls packet} and {@code kiln rm packet}: the images are the scripts push published in
 * {@code --destination} ({@link KilnScripts}), the instances the devices run created in {@code --project}
 * ({@link KilnDevices}). Each side is looked at when its flags are given; at least one must be.
 */
final class PacketInventory {

    /** Metal ids are UUIDs; anything else is a name. */
    private static final Pattern DEVICE_ID = Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");

    private final String provider;
    private final ProviderContext ctx;
    private final Options o;

    PacketInventory(String provider, ProviderContext ctx) {
        this.provider = provider;
        this.ctx = ctx;
        this.o = ctx.options();
    }

    List<Made> list(Made.Kind kind) throws InterruptedException {
        requireASide();
        if (kind == Made.Kind.IMAGE) {
            Optional<String> where = o.find(PacketOptions.DESTINATION);
            if (where.isEmpty()) {
                ctx.events().warn("not listing images: give --destination, where push published them");
                return List.of();
            }
            try (Destination dest = Destinations.forInventory(ctx, where.get())) {
                return images(dest, () -> new KilnScripts(dest).all());
            }
        }
        if (o.find(PacketOptions.TOKEN).isEmpty()) {
            ctx.events().warn("not listing devices: set METAL_AUTH_TOKEN and give --project to list them");
            return List.of();
        }
        return new KilnDevices(api()).all(project());
    }

    /** By id first (a script's URL, a device's UUID), else the script and the devices kiln gave that name. */
    List<Made> find(String idOrName) throws InterruptedException {
        requireASide();
        Optional<String> where = o.find(PacketOptions.DESTINATION);
        boolean devices = o.find(PacketOptions.TOKEN).isPresent();
        List<Made> named = new ArrayList<>();
        if (where.isPresent()) {
            try (Destination dest = Destinations.forInventory(ctx, where.get())) {
                KilnScripts scripts = new KilnScripts(dest);
                Optional<Made> byId = images(dest, () -> scripts.byId(idOrName));
                if (byId.isPresent()) {
                    return List.of(byId.get());
                }
                named.addAll(images(dest, () -> scripts.named(idOrName)));
            }
        }
        if (devices && DEVICE_ID.matcher(idOrName).matches()) {
            Optional<Made> byId = new KilnDevices(api()).byId(idOrName);
            if (byId.isPresent()) {
                return List.of(byId.get());
            }
        }
        if (devices) {
            new KilnDevices(api()).all(project()).stream().filter(m -> m.name().equals(idOrName)).forEach(named::add);
        }
        return named;
    }

    /** An image is removed from --destination, else from where it was found (its location). */
    List<Resource> remove(Made made) throws InterruptedException {
        List<Resource> removed;
        if (made.kind() == Made.Kind.IMAGE) {
            String where = o.find(PacketOptions.DESTINATION).orElse(made.location());
            try (Destination dest = Destinations.forInventory(ctx, where)) {
                removed = new KilnScripts(dest).remove(made);
            }
        } else {
            o.find(PacketOptions.TOKEN).orElseThrow(() -> KilnException.usage("rm " + provider + " of device "
                    + made.id() + " needs an API token: set METAL_AUTH_TOKEN (or METAL_API_TOKEN, PACKET_AUTH_TOKEN)"));
            removed = new KilnDevices(api()).remove(made);
        }
        removed.forEach(r -> ctx.events().info("removed " + r));
        return removed;
    }

    private void requireASide() {
        if (o.find(PacketOptions.DESTINATION).isEmpty() && o.find(PacketOptions.TOKEN).isEmpty()) {
            throw KilnException.usage(provider + " keeps no list of its own: give --destination DIR|s3://BUCKET/PREFIX "
                    + "for the images push published, and/or METAL_AUTH_TOKEN with --project for the devices run made");
        }
    }

    private String project() {
        return o.find(PacketOptions.PROJECT).orElseThrow(() -> KilnException.usage("listing the devices kiln made "
                + "needs --project ID (or METAL_PROJECT_ID)"));
    }

    private MetalApi api() {
        return new MetalApi(ctx, URI.create(o.require(PacketOptions.API_URL)), o.require(PacketOptions.TOKEN),
                o.duration(PacketOptions.API_TIMEOUT).orElse(Duration.ofSeconds(60)));
    }

    private interface Read<T> {
        T get();
    }

    /** A destination's answers; its failures become errors that say where kiln looked. */
    private static <T> T images(Destination dest, Read<T> read) {
        try {
            return read.get();
        } catch (UncheckedIOException | software.amazon.awssdk.core.exception.SdkException e) {
            throw KilnException.tried("list the files of " + dest.describe(), PacketPush.reason(e),
                    "check --destination, --endpoint-url and the store's credentials", e);
        }
    }
}
