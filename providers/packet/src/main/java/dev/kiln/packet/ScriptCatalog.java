package dev.kiln.packet;

import dev.kiln.spi.ExistingImages;

import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/** The published script as kiln's image: found by the digest it records, or by its name. */
final class ScriptCatalog implements ExistingImages.SideBySide<String> {

    private final Destination dest;
    private final PacketPush.Names names;
    private final String digest;
    private final Optional<String> script;
    private final Callable<String> create;
    private final Consumer<String> retire;

    /** {@code script} is the text under the name before this push; {@code retire} removes what only it fetched. */
    ScriptCatalog(Destination dest, PacketPush.Names names, String digest, Optional<String> script,
                  Callable<String> create, Consumer<String> retire) {
        this.dest = dest;
        this.names = names;
        this.digest = digest;
        this.script = script;
        this.create = create;
        this.retire = retire;
    }

    @Override
    public Optional<String> findByDigest() {
        return script.flatMap(IpxeScript::recordedDigest).filter(digest::equals).map(d -> names.script());
    }

    @Override
    public Optional<String> findByName() {
        return script.map(s -> names.script());
    }

    @Override
    public String describe(String image) {
        return image + " in " + dest.describe() + " (" + script.flatMap(IpxeScript::recordedDigest)
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

    /** The script was replaced under its name; what remains is the kernel and initrd only the old one fetched. */
    @Override
    public void retire(String old) {
        retire.accept(old);
    }
}
