package dev.kiln.spi;

import dev.kiln.api.Lifecycle;
import dev.kiln.api.UserdataLimit;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * What a provider's {@code run} takes of the shared vocabulary. The CLI refuses the rest before any call:
 * over-size userdata, an unsupported {@code --disk} key (naming the supported ones), a wait it cannot do.
 *
 * @param userdata  the userdata limit; empty when the provider takes no userdata
 * @param diskKeys  keys {@code --disk} takes (size, type, iops, device, name, or the provider's own); empty: no --disk
 * @param diskSize  true when every {@code --disk} must say {@code size=}
 * @param waits     the {@code --wait} values it honours
 * @param noDisks   why it takes no {@code --disk} (said when one is given), or empty
 */
public record RunSupport(Optional<UserdataLimit> userdata, Set<String> diskKeys, boolean diskSize,
                         Set<Lifecycle.Wait> waits, Optional<String> noDisks) {

    public static final RunSupport NONE = new RunSupport(Optional.empty(), Set.of(), false,
            EnumSet.allOf(Lifecycle.Wait.class), Optional.empty());

    public RunSupport {
        diskKeys = Set.copyOf(diskKeys);
        waits = waits.isEmpty() ? Set.of() : Set.copyOf(waits);
        if (noDisks.isPresent() && !diskKeys.isEmpty()) {
            throw new IllegalArgumentException("a provider that takes --disk keys has no reason to refuse --disk");
        }
    }

    public RunSupport withUserdata(int maxBytes, String rule) {
        return new RunSupport(Optional.of(new UserdataLimit(maxBytes, rule)), diskKeys, diskSize, waits, noDisks);
    }

    public RunSupport withDisks(boolean sizeRequired, String... keys) {
        return new RunSupport(userdata, Set.of(keys), sizeRequired, waits, Optional.empty());
    }

    /** No {@code --disk} at all, for this reason ("the API has no attachable volumes"). */
    public RunSupport withoutDisks(String reason) {
        return new RunSupport(userdata, Set.of(), false, waits, Optional.of(reason));
    }

    public RunSupport withWaits(Lifecycle.Wait... values) {
        return new RunSupport(userdata, diskKeys, diskSize, Set.of(values), noDisks);
    }
}
