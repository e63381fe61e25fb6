package dev.kiln.gcp;

import dev.kiln.api.Events;
import dev.kiln.api.ByteSize;
import dev.kiln.api.KilnException;
import dev.kiln.spi.Made;
import dev.kiln.spi.Options;
import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.Resource;
import dev.kiln.spi.RunResult;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GCE for one command. Credentials, project and every flag are checked before the first remote
 * call; the Google clients are made only then, and closed with the provider.
 */
final class GcpProvider implements Provider {

    private static final Pattern IMAGE_ID = Pattern.compile("projects/([^/]+)/global/images/([^/]+)");
    private static final Pattern INSTANCE_ID = Pattern.compile("projects/([^/]+)/zones/([^/]+)/instances/([^/]+)");

    private final ProviderContext context;
    private final Random jitter;
    private final Events events;
    private GcpClients clients;

    GcpProvider(ProviderContext context) {
        this(context, new Random());
    }

    /** @param jitter where the retry pauses' randomness comes from (a test pins it) */
    GcpProvider(ProviderContext context, Random jitter) {
        this.context = context;
        this.jitter = jitter;
        this.events = context.events();
    }

    @Override
    public PushResult push(PushRequest request) throws InterruptedException {
        Options options = context.options();
        GcpAccount account = new GcpCredentials(context.env(), events).resolve(options);
        ImagePlan plan = ImagePlan.of(options, request, account.project());
        GcpImageFile.check(request);
        if (request.dryRun()) {
            events.info("would upload " + request.image().getFileName() + " to gs://" + plan.bucket() + "/"
                    + plan.object() + " and create image " + plan.imageId() + " with features " + plan.features());
            return PushResult.builder("gcp", request).name(plan.name()).outcome(PushResult.Outcome.DRY_RUN)
                    .image("", plan.imageId()).tags(plan.labels()).build();
        }
        GcpCalls calls = calls();
        return new PushImage(clients(account, chunkSize(options)), calls, calls.forCleanup(context))
                .push(plan, () -> GcpImageFile.tarGz(request, context.conversions(), context.workDir(), events));
    }

    @Override
    public RunResult run(RunRequest request) throws InterruptedException {
        Options options = context.options();
        GcpAccount account = new GcpCredentials(context.env(), events).resolve(options);
        InstancePlan plan = InstancePlan.of(options, request, account.project());
        if (request.dryRun()) {
            events.info("would start instance " + plan.name() + " (" + plan.machine() + ") in " + plan.zone()
                    + " from " + plan.image());
            return RunResult.builder("gcp", plan.name()).location(plan.zone()).state("dry-run").build();
        }
        GcpCalls calls = calls();
        return new RunInstance(clients(account, GcpClients.CHUNK_QUANTUM), calls, calls.forCleanup(context)).run(plan);
    }

    @Override
    public List<Made> list(Made.Kind kind) throws InterruptedException {
        GcpAccount account = new GcpCredentials(context.env(), events).resolve(context.options());
        GcpClients c = clients(account, GcpClients.CHUNK_QUANTUM);
        return kind == Made.Kind.IMAGE ? new KilnImages(c.images(), calls(), account.project()).all()
                : new KilnInstances(c, calls(), account.project()).all();
    }

    /**
     * projects/P/global/images/NAME and projects/P/zones/Z/instances/NAME as they are; a bare name is the image of
     * that name and the images and instances kiln labelled kiln-name = NAME; anything else names nothing here (GCE
     * names and kiln's labels are lower-case letters, digits and '-').
     */
    @Override
    public List<Made> find(String idOrName) throws InterruptedException {
        GcpAccount account = new GcpCredentials(context.env(), events).resolve(context.options());
        GcpClients c = clients(account, GcpClients.CHUNK_QUANTUM);
        KilnImages images = new KilnImages(c.images(), calls(), account.project());
        Matcher image = IMAGE_ID.matcher(idOrName);
        Matcher instance = INSTANCE_ID.matcher(idOrName);
        if (image.matches()) {
            return new KilnImages(c.images(), calls(), image.group(1)).byName(image.group(2)).stream().toList();
        }
        if (instance.matches()) {
            return new KilnInstances(c, calls(), instance.group(1)).byId(instance.group(2), instance.group(3))
                    .stream().toList();
        }
        if (!GcpNames.RESOURCE.matcher(idOrName).matches()) {
            return List.of();
        }
        Map<String, Made> found = new LinkedHashMap<>();
        images.byName(idOrName).ifPresent(m -> found.put(m.id(), m));
        images.named(idOrName).forEach(m -> found.putIfAbsent(m.id(), m));
        new KilnInstances(c, calls(), account.project()).named(idOrName).forEach(m -> found.putIfAbsent(m.id(), m));
        return List.copyOf(found.values());
    }

    @Override
    public List<Resource> remove(Made made) throws InterruptedException {
        GcpAccount account = new GcpCredentials(context.env(), events).resolve(context.options());
        return new RemoveMade(clients(account, GcpClients.CHUNK_QUANTUM), calls(), events).remove(made);
    }

    private GcpCalls calls() {
        return new GcpCalls(context.retry().random(jitter), context.clock(), context.sleeper(), context.cancel(),
                events);
    }

    private GcpClients clients(GcpAccount account, int chunkSize) {
        if (clients == null) {
            clients = new GcpClients(account, context.options().find("endpoint"),
                    context.options().find("storage-endpoint"), chunkSize);
        }
        return clients;
    }

    private static int chunkSize(Options options) {
        long bytes = options.size("chunk-size", ByteSize.MIB).orElse((long) GcpClients.DEFAULT_CHUNK_MIB << 20);
        if (bytes > ByteSize.GIB) {
            throw KilnException.usage("--chunk-size must be at most 1 GiB, not " + ByteSize.format(bytes));
        }
        return (int) bytes;
    }

    @Override
    public void close() {
        if (clients != null) {
            clients.close();
        }
    }
}
