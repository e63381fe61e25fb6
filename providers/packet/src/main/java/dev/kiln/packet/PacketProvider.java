package dev.kiln.packet;

import dev.kiln.api.KilnException;
import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.RunResult;

/** push publishes kernel, initrd and the iPXE script; run is not offered by this version (see the README). */
final class PacketProvider implements Provider {

    private final String name;
    private final ProviderContext ctx;

    PacketProvider(String name, ProviderContext ctx) {
        this.name = name;
        this.ctx = ctx;
    }

    @Override
    public PushResult push(PushRequest request) throws InterruptedException {
        return new PacketPush(name, ctx).push(request);
    }

    @Override
    public RunResult run(RunRequest request) {
        throw KilnException.usage("kiln run " + name + " is not available: " + PacketProviderFactory.SHUTDOWN
                + " Boot the published script from your PXE fleet's DHCP (bootfile URL) instead.");
    }
}
