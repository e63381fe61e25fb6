package dev.kiln.openstack;

import dev.kiln.spi.Made;
import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.spi.Resource;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.RunResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** One command against one OpenStack cloud. */
final class OpenStackProvider implements Provider {

    /** Glance and Nova ids are UUIDs. */
    static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?"
            + "[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}");
    /** How long rm waits for Nova to delete a server before its volumes can go. */
    static final Duration DELETE_TIMEOUT = Duration.ofMinutes(10);

    private final ProviderContext context;

    OpenStackProvider(ProviderContext context) {
        this.context = context;
    }

    @Override
    public PushResult push(PushRequest request) throws InterruptedException {
        return new PushImage(context, request).push();
    }

    @Override
    public RunResult run(RunRequest request) throws InterruptedException {
        return new RunServer(context, request).run(Optional.empty());
    }

    @Override
    public RunResult run(RunRequest request, PushRequest image) throws InterruptedException {
        return new RunServer(context, request).run(Optional.of(image));
    }

    @Override
    public List<Made> list(Made.Kind kind) throws InterruptedException {
        OpenStackConnection cloud = OpenStackConnection.open(context);
        String action = "list the " + kind.plural() + " kiln made in " + where(cloud);
        try {
            return kind == Made.Kind.IMAGE ? images(cloud).all() : new KilnServers(cloud).all();
        } catch (RuntimeException e) {
            throw OpenStackErrors.toKiln(action, e);
        }
    }

    /** A UUID: the image, else the server, with that id. A name: the images, then the servers, kiln named so. */
    @Override
    public List<Made> find(String idOrName) throws InterruptedException {
        OpenStackConnection cloud = OpenStackConnection.open(context);
        boolean compute = Keystone.has(cloud.session, "compute");
        try {
            if (UUID.matcher(idOrName).matches()) {
                List<Made> image = images(cloud).byId(idOrName);
                return !image.isEmpty() || !compute ? image : new KilnServers(cloud).byId(idOrName);
            }
            List<Made> found = new ArrayList<>(images(cloud).named(idOrName));
            if (compute) {
                found.addAll(new KilnServers(cloud).named(idOrName));
            }
            return found;
        } catch (RuntimeException e) {
            throw OpenStackErrors.toKiln("find " + idOrName + " in " + where(cloud), e);
        }
    }

    @Override
    public List<Resource> remove(Made made) throws InterruptedException {
        OpenStackConnection cloud = OpenStackConnection.open(context);
        return new RemoveMade(cloud, context.poll(Duration.ofSeconds(2), DELETE_TIMEOUT, "look with 'openstack "
                + "server show " + made.id() + "' and run kiln rm again"), context.events()).remove(made);
    }

    private static KilnImages images(OpenStackConnection cloud) {
        return new KilnImages(new Glance(cloud.http, cloud.endpoint("image"), cloud.retry), cloud.session.projectId(),
                cloud.location());
    }

    private static String where(OpenStackConnection cloud) {
        return cloud.location().isEmpty() ? "the cloud" : cloud.location();
    }
}
