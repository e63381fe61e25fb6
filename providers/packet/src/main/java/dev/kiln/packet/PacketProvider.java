package dev.kiln.packet;

import dev.kiln.spi.Made;
import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.spi.Resource;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.RunResult;

import java.util.List;

/**
 * push publishes kernel, initrd and the iPXE script; run boots it on a device of a Packet/Metal v1 API; ls and rm see
 * the scripts push published and the devices run created.
 */
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
    public RunResult run(RunRequest request) throws InterruptedException {
        return new PacketRun(name, ctx).run(request);
    }

    @Override
    public List<Made> list(Made.Kind kind) throws InterruptedException {
        return new PacketInventory(name, ctx).list(kind);
    }

    @Override
    public List<Made> find(String idOrName) throws InterruptedException {
        return new PacketInventory(name, ctx).find(idOrName);
    }

    @Override
    public List<Resource> remove(Made made) throws InterruptedException {
        return new PacketInventory(name, ctx).remove(made);
    }
}
