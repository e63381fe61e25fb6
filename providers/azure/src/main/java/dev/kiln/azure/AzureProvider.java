package dev.kiln.azure;

import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.RunResult;

/** One Azure command. */
final class AzureProvider implements Provider {

    private final ProviderContext context;

    AzureProvider(ProviderContext context) {
        this.context = context;
    }

    @Override
    public PushResult push(PushRequest request) throws InterruptedException {
        return new AzurePush(context).push(request);
    }

    @Override
    public RunResult run(RunRequest request) throws InterruptedException {
        return new AzureRun(context).run(request);
    }
}
