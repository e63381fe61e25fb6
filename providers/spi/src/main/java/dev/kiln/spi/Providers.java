package dev.kiln.spi;

import dev.kiln.core.KilnException;

import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** The one place providers are discovered: every factory on the class path, sorted by name. */
public final class Providers {

    private Providers() {
    }

    public static List<ProviderFactory> installed() {
        return installed(Providers.class.getClassLoader());
    }

    public static List<ProviderFactory> installed(ClassLoader loader) {
        return ServiceLoader.load(ProviderFactory.class, loader).stream()
                .map(ServiceLoader.Provider::get)
                .sorted(Comparator.comparing(ProviderFactory::name))
                .toList();
    }

    /** The factory called {@code name}, or a usage error listing what is installed. */
    public static ProviderFactory named(String name) {
        List<ProviderFactory> all = installed();
        return all.stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> KilnException.usage("Unknown provider '" + name + "'; installed: "
                        + (all.isEmpty() ? "none" : all.stream().map(ProviderFactory::name)
                        .collect(Collectors.joining(", ")))));
    }
}
