package dev.kiln.aws;

import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.RunResult;

/** One {@code push aws} or {@code run aws}; the SDK clients live as long as the command. */
final class AwsProvider implements Provider {

    private final ProviderContext context;

    AwsProvider(ProviderContext context) {
        this.context = context;
    }

    @Override
    public PushResult push(PushRequest request) throws InterruptedException {
        PushSettings settings = PushSettings.from(context.options(), request);
        try (AwsConnection aws = AwsConnection.open(context)) {
            return new AwsPush(aws, settings, poller(), context.events()).push(request);
        }
    }

    @Override
    public RunResult run(RunRequest request) throws InterruptedException {
        RunSettings settings = RunSettings.from(context.options());
        try (AwsConnection aws = AwsConnection.open(context)) {
            return new AwsRun(aws, settings, poller(), context.events()).run(request);
        }
    }

    private Poller poller() {
        return new Poller(context.clock(), context.options().duration(AwsOptions.POLL).orElseThrow(),
                context.options().duration(AwsOptions.WAIT).orElseThrow());
    }
}
