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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One push: kernel, initrd, then the script and its alias, so a machine never fetches a script whose files are
 * not whole. The script is the image: a script recording the request's digest is {@code existed}; another one
 * under the name obeys {@code --if-exists}. A replace never shows a fleet a script that names a half-written or
 * mismatched file: in a directory every new file is first written under a temporary name and the four are then
 * renamed over the old ones, the script after the kernel and initrd; in a bucket, which has no rename, the new
 * kernel and initrd get keys of their own ({@code NAME-kernel-DIGEST12}), the script is written last, and the
 * old kernel and initrd are removed only after it. A failed first push removes what it wrote. A bucket's URLs
 * are then checked as a booting machine fetches them.
 */
final class PacketPush {

    private final String provider;
    private final ProviderContext ctx;

    PacketPush(String provider, ProviderContext ctx) {
        this.provider = provider;
        this.ctx = ctx;
    }

    /** The four files of NAME, as LinuxKit names them. */
    record Names(String name, String kernel, String initrd, String script, String alias) {
        static Names of(String name) {
            return new Names(name, name + "-kernel", name + "-initrd.img", name + "-equinixmetal.ipxe",
                    name + "-packet.ipxe");
        }

        /** The kernel and initrd of a replace where names cannot be renamed over: keyed by the new digest. */
        BootFiles versioned(String digest) {
            String hex = digest.replaceFirst("^[^:]*:", "");
            String tag = hex.substring(0, Math.min(12, hex.length()));
            return new BootFiles(name + "-kernel-" + tag, name + "-initrd-" + tag + ".img");
        }

        /** Whether {@code file} is a kernel or initrd kiln may have published for this name. */
        boolean ownsBootFile(String file) {
            String n = Pattern.quote(name);
            return file.matches(n + "-kernel(-[0-9a-f]{1,12})?") || file.matches(n + "-initrd(-[0-9a-f]{1,12})?\\.img");
        }
    }

    /** The kernel and initrd file names a script fetches. */
    record BootFiles(String kernel, String initrd) {
        Set<String> both() {
            return Set.of(kernel, initrd);
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
            Optional<String> before = read(dest, names.script());
            Set<String> old = before.map(b -> fetched(b, names)).orElse(Set.of());
            BootFiles files = before.isEmpty() || dest.renames() ? new BootFiles(names.kernel(), names.initrd())
                    : names.versioned(request.contentDigest());
            String cmdline = Optional.ofNullable(artifact.files().get(Artifact.CMDLINE)).map(PacketPush::read)
                    .orElse("");
            String console = ctx.options().find(PacketOptions.CONSOLE)
                    .orElse(IpxeScript.defaultConsole(request.arch()));
            String script = new IpxeScript(dest.url(files.kernel()), dest.url(files.initrd()), console, cmdline,
                    request.contentDigest()).render(dest.baseUrl());
            Cleanup cleanup = new Cleanup(ctx.events(), PacketPush::reason);
            ScriptCatalog catalog = new ScriptCatalog(dest, names, request.contentDigest(), before, () -> {
                publish(dest, names, files, artifact.file(Artifact.KERNEL), artifact.file(Artifact.INITRD), script,
                        before.isEmpty(), old, cleanup);
                return names.script();
            }, gone -> retire(dest, old, files));
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
            BootFiles published = done.outcome() == PushResult.Outcome.EXISTED ? before.map(b -> IpxeScript.fetches(b))
                    .filter(f -> f.kernel().isPresent() && f.initrd().isPresent())
                    .map(f -> new BootFiles(IpxeScript.Fetches.fileName(f.kernel().get()),
                            IpxeScript.Fetches.fileName(f.initrd().get())))
                    .orElse(new BootFiles(names.kernel(), names.initrd())) : files;
            if (done.outcome() != PushResult.Outcome.DRY_RUN && dest.checkAfterPush()
                    && !ctx.options().flag(PacketOptions.SKIP_CHECK)) {
                check(dest, names, published);
            }
            return result(request, dest, names, published, done);
        }
    }

    /** The kernel and initrd an existing script fetches, when they are files kiln publishes for this name. */
    private static Set<String> fetched(String script, Names names) {
        IpxeScript.Fetches f = IpxeScript.fetches(script);
        Set<String> files = new java.util.LinkedHashSet<>();
        f.kernel().map(IpxeScript.Fetches::fileName).filter(names::ownsBootFile).ifPresent(files::add);
        f.initrd().map(IpxeScript.Fetches::fileName).filter(names::ownsBootFile).ifPresent(files::add);
        return java.util.Collections.unmodifiableSet(files);
    }

    /** One file to publish. */
    private record Put(String file, Path source, String type) {
    }

    private void publish(Destination dest, Names names, BootFiles files, Path kernel, Path initrd, String script,
                         boolean fresh, Set<String> old, Cleanup cleanup) throws InterruptedException {
        try {
            Path initrdFile = ctx.options().flag(PacketOptions.DECOMPRESS)
                    ? Initrds.decompressed(initrd, ctx.workDir().resolve(names.initrd())) : initrd;
            Path scriptFile = Files.writeString(ctx.workDir().resolve(names.script()), script, StandardCharsets.UTF_8);
            List<Put> puts = List.of(new Put(files.kernel(), kernel, "application/octet-stream"),
                    new Put(files.initrd(), initrdFile, "application/octet-stream"),
                    new Put(names.script(), scriptFile, "text/plain"), new Put(names.alias(), scriptFile, "text/plain"));
            List<Destination.Staged> staged = new ArrayList<>();
            List<Cleanup.Handle> partials = new ArrayList<>();
            for (Put put : puts) {
                ctx.cancel().throwIfCancelled();
                Destination.Staged s = dest.stage(put.file(), put.source(), put.type());
                staged.add(s);
                if (dest.renames()) {
                    partials.add(cleanup.add("the partial " + put.file() + " in " + dest.describe(), s::discard));
                }
            }
            List<Cleanup.Handle> bootFiles = new ArrayList<>();
            for (int i = 0; i < puts.size(); i++) {
                ctx.cancel().throwIfCancelled();
                Put put = puts.get(i);
                long size = Files.size(put.source());
                ctx.events().info("publishing " + put.file() + " (" + size + " bytes) to " + dest.describe());
                staged.get(i).commit();
                ctx.events().bytes(put.file(), size, size);
                if (dest.renames()) {
                    partials.get(i).keep();
                }
                boolean bootFile = i < 2;
                if (fresh || bootFile && !dest.renames() && !old.contains(put.file())) {
                    Cleanup.Handle h = cleanup.add(put.file() + " in " + dest.describe(), () -> dest.delete(put.file()));
                    if (bootFile) {
                        bootFiles.add(h);
                    }
                }
                if (put.file().equals(names.script()) && !fresh) {
                    bootFiles.forEach(Cleanup.Handle::keep);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** After the new script is in place: the kernel and initrd only the old script fetched. */
    private void retire(Destination dest, Set<String> old, BootFiles files) {
        for (String file : old) {
            if (files.both().contains(file)) {
                continue;
            }
            try {
                dest.delete(file);
                ctx.events().info("removed " + file + " from " + dest.describe() + ": the replaced script fetched it");
            } catch (IOException | RuntimeException e) {
                ctx.events().warn("could not remove " + file + " from " + dest.describe() + " (" + reason(e)
                        + "); no script fetches it any more: remove it by hand");
            }
        }
    }

    private void check(Destination dest, Names names, BootFiles files) throws InterruptedException {
        new UrlCheck().url("kernel", dest.url(files.kernel())).url("initrd", dest.url(files.initrd()))
                .url("script", dest.url(names.script())).require("check that a booting machine can fetch what was "
                        + "published to " + dest.describe(), "the files stay published; make them readable without "
                        + "credentials: push again with --public --if-exists replace (public-read objects), give the "
                        + "bucket a public-read policy, or push with --presign DURATION; or pass --skip-url-check "
                        + "when only the fleet's network can read them");
    }

    private static Optional<String> read(Destination dest, String file) {
        try {
            return dest.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private PushResult result(PushRequest request, Destination dest, Names names, BootFiles files,
                              ExistingImages.Published<String> done) {
        PushResult.Builder b = PushResult.builder(provider, request).outcome(done.outcome());
        if (done.outcome() != PushResult.Outcome.DRY_RUN) {
            b.image("", dest.url(names.script()));
        }
        return b.resource(Resource.of("kernel", dest.url(files.kernel()), dest.describe()))
                .resource(Resource.of("initrd", dest.url(files.initrd()), dest.describe()))
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
