package dev.kiln.openstack;

import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.RunResult;

/** One command against one OpenStack cloud. */
final class OpenStackProvider implements Provider {

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
        return new RunServer(context, request).run(java.util.Optional.empty());
    }

    @Override
    public RunResult run(RunRequest request, PushRequest image) throws InterruptedException {
        return new RunServer(context, request).run(java.util.Optional.of(image));
    }
}
