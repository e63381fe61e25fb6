package dev.kiln.packet;

import dev.kiln.api.Artifact;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.KilnException;
import dev.kiln.spi.Cleanup;
import dev.kiln.spi.ExistingImages;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.spi.Resource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One push: kernel, initrd, then the script and its alias, each only after the one before it is published, so
 * a machine never fetches a script whose files are missing. The script is the image: a script recording the
 * request's digest is {@code existed}; another one under the name obeys {@code --if-exists}. A failed first
 * push removes what it wrote; a replace overwrites in place (the files keep their LinuxKit names) and never
 * deletes, so the name always has a script.
 */
final class PacketPush {

    private final String provider;
    private final ProviderContext ctx;

    PacketPush(String provider, ProviderContext ctx) {
        this.provider = provider;
        this.ctx = ctx;
    }

    /** The four files of NAME, as LinuxKit names them. */
    record Names(String kernel, String initrd, String script, String alias) {
        static Names of(String name) {
            return new Names(name + "-kernel", name + "-initrd.img", name + "-equinixmetal.ipxe", name + "-packet.ipxe");
        }
    }

    PushResult push(PushRequest request) throws InterruptedException {
        if (!request.format().equals(ImageFormat.KERNEL_INITRD)) {
            throw KilnException.usage(provider + " publishes a kernel+initrd build, not " + request.format()
                    + "; build one with 'kiln build -f kernel+initrd FILE.yml'");
        }
        if (!request.policy().shareWith().isEmpty()) {
            throw KilnException.usage(provider + " publishes files at URLs: --share-with has no meaning here; use "
                    + "--public (public-read objects) or --presign DURATION");
        }
        Names names = Names.of(request.name());
        try (Destination dest = Destinations.open(ctx, request.policy().isPublic())) {
            Artifact artifact = request.artifact();
            Path kernel = artifact.file(Artifact.KERNEL);
            Path initrd = artifact.file(Artifact.INITRD);
            String cmdline = Optional.ofNullable(artifact.files().get(Artifact.CMDLINE)).map(PacketPush::read)
                    .orElse("");
            String console = ctx.options().find(PacketOptions.CONSOLE)
                    .orElse(IpxeScript.defaultConsole(request.arch()));
            String script = new IpxeScript(dest.url(names.kernel()), dest.url(names.initrd()), console, cmdline,
                    request.contentDigest()).render(dest.baseUrl());
            Cleanup cleanup = new Cleanup(ctx.events(), PacketPush::reason);
            ScriptCatalog catalog = new ScriptCatalog(dest, names, request.contentDigest(), () -> {
                publish(dest, names, kernel, initrd, script, cleanup);
                return names.script();
            });
            ExistingImages.Published<String> done;
            try {
                done = ExistingImages.sideBySide(request.policy().ifExists(), request.dryRun(), catalog);
            } catch (RuntimeException | InterruptedException e) {
                String undone = cleanup.undo();
                if (e instanceof InterruptedException) {
                    throw new InterruptedException("push cancelled" + (undone.isEmpty() ? "" : "; " + undone));
                }
                throw failed(dest, e, undone);
            }
            cleanup.clear();
            return result(request, dest, names, done);
        }
    }

    private void publish(Destination dest, Names names, Path kernel, Path initrd, String script, Cleanup cleanup)
            throws InterruptedException {
        boolean fresh = catalogIsEmpty(dest, names);
        try {
            Path initrdFile = ctx.options().flag(PacketOptions.DECOMPRESS)
                    ? Initrds.decompressed(initrd, ctx.workDir().resolve(names.initrd())) : initrd;
            Path scriptFile = Files.writeString(ctx.workDir().resolve(names.script()), script, StandardCharsets.UTF_8);
            put(dest, names.kernel(), kernel, "application/octet-stream", fresh, cleanup);
            put(dest, names.initrd(), initrdFile, "application/octet-stream", fresh, cleanup);
            put(dest, names.script(), scriptFile, "text/plain", fresh, cleanup);
            put(dest, names.alias(), scriptFile, "text/plain", fresh, cleanup);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean catalogIsEmpty(Destination dest, Names names) {
        try {
            return dest.read(names.script()).isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void put(Destination dest, String file, Path source, String type, boolean fresh, Cleanup cleanup)
            throws IOException, InterruptedException {
        ctx.cancel().throwIfCancelled();
        long size = Files.size(source);
        ctx.events().info("publishing " + file + " (" + size + " bytes) to " + dest.describe());
        dest.write(file, source, type);
        ctx.events().bytes(file, size, size);
        if (fresh) {
            cleanup.add(file + " in " + dest.describe(), () -> dest.delete(file));
        }
    }

    private PushResult result(PushRequest request, Destination dest, Names names,
                              ExistingImages.Published<String> done) {
        PushResult.Builder b = PushResult.builder(provider, request).outcome(done.outcome());
        if (done.outcome() != PushResult.Outcome.DRY_RUN) {
            b.image("", dest.url(names.script()));
        }
        return b.resource(Resource.of("kernel", dest.url(names.kernel()), dest.describe()))
                .resource(Resource.of("initrd", dest.url(names.initrd()), dest.describe()))
                .resource(Resource.of("ipxe-script", dest.url(names.script()), dest.describe()))
                .resource(Resource.of("ipxe-script-alias", dest.url(names.alias()), dest.describe()))
                .build();
    }

    private KilnException failed(Destination dest, Exception e, String undone) {
        if (e instanceof KilnException k && k.isUsage()) {
            return k;
        }
        String why = reason(e);
        return KilnException.tried("publish to " + dest.describe(), why,
                undone.isEmpty() ? "nothing was left behind" : undone, e);
    }

    static String reason(Exception e) {
        Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
        return t instanceof software.amazon.awssdk.core.exception.SdkException ? S3Errors.describe(t)
                : t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw KilnException.usage("Cannot read the cmdline file " + p + ": " + e.getMessage());
        }
    }
}
