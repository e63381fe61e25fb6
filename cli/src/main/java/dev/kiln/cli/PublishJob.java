package dev.kiln.cli;

import dev.kiln.api.CancelToken;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.api.Trees;
import dev.kiln.build.CoreConversions;
import dev.kiln.spi.Options;
import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;

import java.nio.file.Path;
import java.time.Clock;

/** One target of a publish: one provider in one place, pushed with its own events, scratch folder and outcome. */
final class PublishJob {

    /** How a target ended: a push result, or the error that stopped it (the provider has cleaned up what it made). */
    record Outcome(String target, String provider, String location, PushResult result, String error, int exitCode,
                   double seconds) {

        boolean failed() {
            return result == null;
        }

        static Outcome notStarted(PublishJob job, String why) {
            return new Outcome(job.label, job.factory.name(), job.location, null, why, Kiln.INTERRUPTED, 0);
        }
    }

    final String label;
    final ProviderFactory factory;
    final String location;
    private final Options options;
    private final PushRequest request;
    private final KilnCommand root;

    PublishJob(String label, ProviderFactory factory, String location, Options options, PushRequest request,
               KilnCommand root) {
        this.label = label;
        this.factory = factory;
        this.location = location;
        this.options = options;
        this.request = request;
        this.root = root;
    }

    Outcome run(CancelToken cancel) {
        long start = System.nanoTime();
        Events events = root.events(label);
        Path workDir = null;
        try {
            cancel.throwIfCancelled();
            workDir = scratch();
            ProviderContext context = ProviderContext.builder().options(options).env(root.session().env())
                    .events(events).clock(Clock.systemUTC()).workDir(workDir).cancel(cancel)
                    .conversions(new CoreConversions()).build();
            try (Provider provider = factory.create(context)) {
                PushResult result = provider.push(request);
                events.phase(result.outcome().name().toLowerCase(java.util.Locale.ROOT)
                        + (result.artifactId().isEmpty() ? "" : " " + result.artifactId()));
                return new Outcome(label, factory.name(), location, result, null, Kiln.OK, seconds(start));
            }
        } catch (Exception e) {
            boolean interrupted = cancel.isCancelled() || e instanceof InterruptedException;
            String message = (interrupted ? "interrupted. " : "") + OperatorErrors.message(e);
            events.warn("failed: " + message);
            int code = interrupted ? Kiln.INTERRUPTED
                    : e instanceof KilnException k && k.isUsage() ? Kiln.USAGE : Kiln.FAILURE;
            return new Outcome(label, factory.name(), location, null, message, code, seconds(start));
        } finally {
            if (workDir != null && !Trees.deleteQuietly(workDir)) {
                events.warn("could not remove the scratch folder " + workDir + "; remove it by hand");
            }
        }
    }

    private Path scratch() {
        return ProviderCommand.scratchIn(root, request.image().toAbsolutePath().getParent(), factory.name());
    }

    private static double seconds(long start) {
        return Math.round((System.nanoTime() - start) / 1e7) / 100.0;
    }
}
