package dev.kiln.packet;

import dev.kiln.spi.ExistingImages;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.Callable;

/** The published script as kiln's image: found by the digest it records, or by its name. */
final class ScriptCatalog implements ExistingImages.SideBySide<String> {

    private final Destination dest;
    private final PacketPush.Names names;
    private final String digest;
    private final Callable<String> create;

    ScriptCatalog(Destination dest, PacketPush.Names names, String digest, Callable<String> create) {
        this.dest = dest;
        this.names = names;
        this.digest = digest;
        this.create = create;
    }

    private Optional<String> script() {
        try {
            return dest.read(names.script());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<String> findByDigest() {
        return script().flatMap(IpxeScript::recordedDigest).filter(digest::equals).map(d -> names.script());
    }

    @Override
    public Optional<String> findByName() {
        return script().map(s -> names.script());
    }

    @Override
    public String describe(String image) {
        return image + " in " + dest.describe() + " (" + script().flatMap(IpxeScript::recordedDigest)
                .orElse("not written by kiln") + ")";
    }

    @Override
    public String create() throws InterruptedException {
        try {
            return create.call();
        } catch (InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The replaced files were overwritten in place: nothing else to retire. */
    @Override
    public void retire(String old) {
    }
}
