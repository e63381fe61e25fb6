package dev.kiln.spi;

import dev.kiln.api.KilnException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The one place providers are discovered. Factories on kiln's own class path come first (tests, a flat
 * class path); then every provider folder under each plugin root ({@code lib/providers/<name>/*.jar} of the
 * distribution, and each directory in {@code KILN_PLUGIN_PATH}) is loaded in a class loader of its own,
 * which sees only the JDK, {@code dev.kiln.api} and {@code dev.kiln.spi} of kiln, so cloud SDKs never have to
 * agree on shared jars. Sorted by name; the first of a name wins.
 */
public final class Providers {

    private static volatile List<Path> roots = defaultRoots();

    private Providers() {
    }

    /** {@code -Dkiln.providers.path} (':'-separated), which builds and tests use; else none. */
    private static List<Path> defaultRoots() {
        String value = System.getProperty("kiln.providers.path", "");
        return java.util.Arrays.stream(value.split(java.io.File.pathSeparator)).filter(v -> !v.isBlank())
                .map(Path::of).toList();
    }

    /** Sets the plugin roots {@link #installed()} searches; the CLI calls this once at start. */
    public static void usePluginRoots(List<Path> value) {
        roots = List.copyOf(value);
    }

    public static List<Path> pluginRoots() {
        return roots;
    }

    public static List<ProviderFactory> installed() {
        return load(Providers.class.getClassLoader(), roots);
    }

    /** Factories on {@code loader}, then those of each provider folder under {@code pluginRoots}. */
    public static List<ProviderFactory> load(ClassLoader loader, List<Path> pluginRoots) {
        Map<String, ProviderFactory> byName = new LinkedHashMap<>();
        ServiceLoader.load(ProviderFactory.class, loader).stream().map(ServiceLoader.Provider::get)
                .forEach(f -> byName.putIfAbsent(f.name(), f));
        ClassLoader shared = new SharedOnly(loader);
        for (Path root : pluginRoots) {
            for (List<Path> jars : providerFolders(root)) {
                ClassLoader own = new URLClassLoader("kiln-provider:" + jars.get(0).getParent().getFileName(),
                        urls(jars), shared);
                ServiceLoader.load(ProviderFactory.class, own).stream().map(ServiceLoader.Provider::get)
                        .forEach(f -> byName.putIfAbsent(f.name(), f));
            }
        }
        return byName.values().stream().sorted(Comparator.comparing(ProviderFactory::name)).toList();
    }

    /** The factory called {@code name}, or a usage error listing what is installed. */
    public static ProviderFactory named(String name) {
        List<ProviderFactory> all = installed();
        return all.stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> KilnException.usage("Unknown provider '" + name + "'; installed: "
                        + (all.isEmpty() ? "none" : all.stream().map(ProviderFactory::name)
                        .collect(Collectors.joining(", ")))));
    }

    /** Each sub-folder holding jars is one provider; jars right in the root are one more. */
    private static List<List<Path>> providerFolders(Path root) {
        List<List<Path>> sets = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return sets;
        }
        List<Path> loose = jars(root);
        if (!loose.isEmpty()) {
            sets.add(loose);
        }
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.filter(Files::isDirectory).sorted().map(Providers::jars).filter(j -> !j.isEmpty()).forEach(sets::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sets;
    }

    private static List<Path> jars(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static URL[] urls(List<Path> jars) {
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = jars.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException(e);
            }
        }
        return urls;
    }

    /**
     * The parent of every provider's loader: the JDK, plus kiln's api and spi packages from kiln's own loader.
     * Nothing else of kiln's class path (its Jackson, picocli, image-build) is visible to a provider.
     */
    static final class SharedOnly extends ClassLoader {

        private static final List<String> SHARED = List.of("dev.kiln.api.", "dev.kiln.spi.");
        private final ClassLoader kiln;

        SharedOnly(ClassLoader kiln) {
            super("kiln-shared", ClassLoader.getPlatformClassLoader());
            this.kiln = kiln;
        }

        static boolean shared(String className) {
            return SHARED.stream().anyMatch(className::startsWith);
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (shared(name)) {
                return kiln.loadClass(name);
            }
            throw new ClassNotFoundException(name);
        }

        @Override
        protected URL findResource(String name) {
            return shared(name.replace('/', '.')) ? kiln.getResource(name) : null;
        }

        @Override
        protected java.util.Enumeration<URL> findResources(String name) throws IOException {
            return shared(name.replace('/', '.')) ? kiln.getResources(name) : java.util.Collections.emptyEnumeration();
        }
    }
}
