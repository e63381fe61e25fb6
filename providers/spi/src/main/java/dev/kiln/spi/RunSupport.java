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
 */
public record RunSupport(Optional<UserdataLimit> userdata, Set<String> diskKeys, boolean diskSize,
                         Set<Lifecycle.Wait> waits) {

    public static final RunSupport NONE = new RunSupport(Optional.empty(), Set.of(), false,
            EnumSet.allOf(Lifecycle.Wait.class));

    public RunSupport {
        diskKeys = Set.copyOf(diskKeys);
        waits = waits.isEmpty() ? Set.of() : Set.copyOf(waits);
    }

    public RunSupport withUserdata(int maxBytes, String rule) {
        return new RunSupport(Optional.of(new UserdataLimit(maxBytes, rule)), diskKeys, diskSize, waits);
    }

    public RunSupport withDisks(boolean sizeRequired, String... keys) {
        return new RunSupport(userdata, Set.of(keys), sizeRequired, waits);
    }

    public RunSupport withWaits(Lifecycle.Wait... values) {
        return new RunSupport(userdata, diskKeys, diskSize, Set.of(values));
    }
}
