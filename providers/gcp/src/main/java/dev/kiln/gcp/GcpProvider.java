package dev.kiln.gcp;

import dev.kiln.api.Events;
import dev.kiln.api.ByteSize;
import dev.kiln.api.KilnException;
import dev.kiln.spi.Options;
import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.RunResult;

import java.util.Random;

/**
 * GCE for one command. Credentials, project and every flag are checked before the first remote
 * call; the Google clients are made only then, and closed with the provider.
 */
final class GcpProvider implements Provider {

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
        return new PushImage(clients(account, chunkSize(options)), calls())
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
        return new RunInstance(clients(account, GcpClients.CHUNK_QUANTUM), calls()).run(plan);
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
