package dev.kiln.spi;

import dev.kiln.api.DiskRequest;
import dev.kiln.api.KilnException;
import dev.kiln.api.Lifecycle;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The checks the CLI makes on a run request against what the provider declared, before any call: the same
 * wording for every provider. The provider TCK runs them too.
 */
public final class RunChecks {

    private RunChecks() {
    }

    /** Parses every {@code --disk} value with the provider's keys. */
    public static List<DiskRequest> disks(List<String> values, RunSupport support, String provider) {
        if (!values.isEmpty() && support.diskKeys().isEmpty()) {
            throw KilnException.usage("run " + provider + " does not take --disk" + support.noDisks().map(r -> ": " + r)
                    .orElse(""));
        }
        List<DiskRequest> disks = new ArrayList<>();
        for (String v : values) {
            disks.add(DiskRequest.parse(v, support.diskKeys(), support.diskSize()));
        }
        return disks;
    }

    /** Refuses userdata over the limit, userdata where none is taken, and a wait the provider cannot do. */
    public static void check(RunRequest request, RunSupport support, String provider) {
        request.userdata().ifPresent(u -> support.userdata()
                .orElseThrow(() -> KilnException.usage("run " + provider + " takes no userdata"))
                .check(u, provider));
        request.lifecycle().waitFor().ifPresent(w -> {
            if (!support.waits().contains(w)) {
                throw KilnException.usage("run " + provider + " cannot --wait " + w.name().toLowerCase(Locale.ROOT)
                        + "; it can wait for " + support.waits().stream().map(x -> x.name().toLowerCase(Locale.ROOT))
                        .sorted().collect(Collectors.joining(", ")));
            }
        });
    }

    /** {@code none}, {@code running} or {@code stopped}. */
    public static Lifecycle.Wait wait(String text) {
        try {
            return Lifecycle.Wait.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw KilnException.usage("--wait must be none, running or stopped, not '" + text + "'");
        }
    }
}
