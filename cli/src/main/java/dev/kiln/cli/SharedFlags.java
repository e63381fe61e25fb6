package dev.kiln.cli;

import dev.kiln.api.DiskRequest;
import dev.kiln.api.KilnException;
import dev.kiln.api.Lifecycle;
import dev.kiln.api.PublishPolicy;
import dev.kiln.api.Userdata;
import dev.kiln.spi.OptionSpec;
import dev.kiln.spi.Options;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.RunChecks;
import dev.kiln.spi.RunRequest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The flags every cloud shares, declared once with one help text and one env var scheme ({@code KILN_*}),
 * and turned into the typed request vocabulary providers receive.
 */
final class SharedFlags {

    private SharedFlags() {
    }

    static final List<OptionSpec> PUSH = List.of(
            OptionSpec.string("if-exists", "skip|replace|fail", "When an own image with the same content digest or "
                    + "name exists: skip reports it and uploads nothing, replace publishes anew and retires the old "
                    + "one only once the new one exists, fail stops").env("KILN_IF_EXISTS").defaultValue("skip"),
            OptionSpec.flag("public", "Make the image usable by everyone on the cloud"),
            OptionSpec.string("share-with", "ACCOUNT", "Share the image with this account, project or tenant, as the "
                    + "cloud names them").asRepeatable(),
            OptionSpec.string("description", "TEXT", "Description on the image (default: kiln's, with the digest)"),
            OptionSpec.string("tag", "KEY=VALUE", "Extra tag or label on the image and what is made with it")
                    .asRepeatable());

    static final List<OptionSpec> RUN = List.of(
            OptionSpec.string("userdata", "TEXT", "Userdata for the guest, where LinuxKit's metadata package and "
                    + "cloud-init read it").env("KILN_USERDATA").asSecret(),
            OptionSpec.path("userdata-file", "FILE", "Userdata read from a file").env("KILN_USERDATA_FILE"),
            OptionSpec.keyValues("disk", "size=20G[,type=T][,iops=N][,device=D][,name=N]", "An extra volume made with "
                    + "the instance and removed with it; the keys each cloud takes are listed below").asRepeatable(),
            OptionSpec.string("wait", "none|running|stopped", "What to wait for before returning (default: the "
                    + "provider's)").env("KILN_WAIT"),
            OptionSpec.flag("rm", "Remove the instance and what was made with it at the end"),
            OptionSpec.flag("keep", "Keep what was made when the command fails or is interrupted (Ctrl-C)"),
            OptionSpec.duration("timeout", "DURATION", "Longest wait for the instance (90s, 30m, 2h) before "
                    + "giving up (default: the provider's)").env("KILN_TIMEOUT"),
            OptionSpec.string("tag", "KEY=VALUE", "Tag or label on the instance and what is made with it")
                    .asRepeatable());

    static PublishPolicy policy(Options o) {
        return new PublishPolicy(PublishPolicy.IfExists.of(o.require("if-exists")), o.flag("public"),
                o.all("share-with"), o.find("description"), tags(o.all("tag")));
    }

    static RunRequest run(Options o, ProviderFactory factory, String image, String name, boolean dryRun) {
        Optional<Userdata> userdata = userdata(o);
        List<DiskRequest> disks = RunChecks.disks(o.all("disk"), factory.runSupport(), factory.name());
        Lifecycle lifecycle = new Lifecycle(o.find("wait").map(RunChecks::wait), o.flag("rm"), o.flag("keep"),
                o.duration("timeout"));
        RunRequest request = new RunRequest(image, name, dryRun, userdata, disks, lifecycle, tags(o.all("tag")));
        RunChecks.check(request, factory.runSupport(), factory.name());
        return request;
    }

    /** A run's --disk help line: which keys this provider takes. */
    static String diskKeys(ProviderFactory factory) {
        return factory.runSupport().diskKeys().isEmpty() ? "takes no --disk" + factory.runSupport().noDisks()
                .map(r -> " (" + r + ")").orElse("")
                : "--disk keys: " + String.join(", ", new java.util.TreeSet<>(factory.runSupport().diskKeys()));
    }

    private static Optional<Userdata> userdata(Options o) {
        Optional<String> text = o.find("userdata");
        Optional<Path> file = o.path("userdata-file");
        if (text.isPresent() && file.isPresent()) {
            throw KilnException.usage("Pass --userdata or --userdata-file, not both");
        }
        if (text.isPresent()) {
            return Optional.of(Userdata.ofText(text.get(), "--userdata"));
        }
        if (file.isPresent()) {
            try {
                return Optional.of(Userdata.of(Files.readAllBytes(file.get()), "--userdata-file " + file.get()));
            } catch (IOException e) {
                throw KilnException.usage("Cannot read --userdata-file " + file.get() + ": " + KilnException.reason(e));
            }
        }
        return Optional.empty();
    }

    static Map<String, String> tags(List<String> values) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String v : values) {
            int eq = v.indexOf('=');
            if (eq <= 0) {
                throw KilnException.usage("--tag takes KEY=VALUE, not '" + v + "'");
            }
            tags.put(v.substring(0, eq), v.substring(eq + 1));
        }
        return tags;
    }
}
