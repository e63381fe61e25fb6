package dev.kiln.aws;

import dev.kiln.api.CancelToken;
import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.RunResult;

import java.time.Duration;

/**
 * One {@code push aws} or {@code run aws}; the SDK clients live as long as the command. Ctrl-C (the context's
 * cancel token) interrupts the command's thread: the SDK's blocking HTTP calls and kiln's worker pools answer
 * interrupts, so that is how a blocked call returns.
 */
final class AwsProvider implements Provider {

    /** Run waits for instance states this long unless --timeout says otherwise. */
    static final Duration RUN_TIMEOUT = Duration.ofMinutes(60);

    private final ProviderContext context;

    AwsProvider(ProviderContext context) {
        this.context = context;
    }

    @Override
    public PushResult push(PushRequest request) throws InterruptedException {
        PushSettings settings = PushSettings.from(context.options(), request);
        Policies policies = Policies.of(context, interval(), settings.waitTimeout(), "raise --wait-timeout");
        try (AwsConnection aws = AwsConnection.open(context); CancelToken.Registration r = interruptOnCancel()) {
            return new AwsPush(aws, settings, policies, context.conversions(), context.events()).push(request);
        } finally {
            clearOwnInterrupt();
        }
    }

    @Override
    public RunResult run(RunRequest request) throws InterruptedException {
        RunSettings settings = RunSettings.from(context.options(), request);
        Policies policies = Policies.of(context, interval(), request.lifecycle().timeoutOr(RUN_TIMEOUT),
                "raise --timeout");
        try (AwsConnection aws = AwsConnection.open(context); CancelToken.Registration r = interruptOnCancel()) {
            return new AwsRun(aws, settings, policies, context.events()).run(request);
        } finally {
            clearOwnInterrupt();
        }
    }

    private Duration interval() {
        return context.options().duration(AwsOptions.POLL).orElseThrow();
    }

    private CancelToken.Registration interruptOnCancel() {
        Thread caller = Thread.currentThread();
        return context.cancel().onCancel(caller::interrupt);
    }

    /** The interrupt this provider raised for a cancel is spent: the caller sees the cancel in the error. */
    private void clearOwnInterrupt() {
        if (context.cancel().isCancelled()) {
            Thread.interrupted();
        }
    }
}
