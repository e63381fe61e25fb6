package dev.kiln.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A whole (possibly merged) configuration, in LinuxKit's schema. */
public record KilnConfig(KernelSpec kernel, List<String> init, List<ImageSpec> onboot, List<ImageSpec> onshutdown,
                         List<ImageSpec> services, List<FileSpec> files, List<VolumeSpec> volumes) {

    public static final KilnConfig EMPTY = new KilnConfig(KernelSpec.NONE, List.of(), List.of(), List.of(),
            List.of(), List.of(), List.of());

    public KilnConfig {
        Objects.requireNonNull(kernel, "kernel");
        init = List.copyOf(init);
        onboot = List.copyOf(onboot);
        onshutdown = List.copyOf(onshutdown);
        services = List.copyOf(services);
        files = List.copyOf(files);
        volumes = List.copyOf(volumes);
    }

    /** LinuxKit's merge: kernel fields set in {@code later} override, every list appends. */
    public KilnConfig append(KilnConfig later) {
        return new KilnConfig(kernel.overriddenBy(later.kernel), concat(init, later.init),
                concat(onboot, later.onboot), concat(onshutdown, later.onshutdown),
                concat(services, later.services), concat(files, later.files), concat(volumes, later.volumes));
    }

    public VolumeSpec volume(String name) {
        return volumes.stream().filter(v -> v.name().equals(name)).findFirst().orElse(null);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
