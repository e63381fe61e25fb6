package dev.kiln.spi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A third-party provider, compiled here from source into a jar set dropped in a plugin folder, appears
 * with no rebuild, and loads in a class loader that sees kiln's api and spi but nothing else of kiln's class path.
 */
class ProvidersIsolationTest {

    @TempDir
    Path tmp;

    private static final String FACTORY = """
            package com.example.tiny;

            import dev.kiln.api.ImageFormat;
            import dev.kiln.spi.*;
            import java.util.List;
            import java.util.Set;

            public final class TinyProviderFactory implements ProviderFactory {
                public String name() { return "tiny"; }
                public String summary() { return "visible: " + sees("dev.kiln.api.Retry") + ", hidden: "
                        + sees("org.junit.jupiter.api.Test") + ", own helper: " + Helper.WORD; }
                public Set<ImageFormat> accepts() { return Set.of(ImageFormat.RAW_EFI); }
                public List<OptionSpec> pushOptions() { return List.of(); }
                public List<OptionSpec> runOptions() { return List.of(); }
                public Provider create(ProviderContext context) { throw new UnsupportedOperationException(); }
                private static boolean sees(String name) {
                    try {
                        Class.forName(name, false, TinyProviderFactory.class.getClassLoader());
                        return true;
                    } catch (ClassNotFoundException e) {
                        return false;
                    }
                }
            }
            """;

    private static final String HELPER = """
            package com.example.tiny;

            final class Helper {
                static final String WORD = "mine";
            }
            """;

    @Test
    void aProviderDroppedInAPluginFolderIsFoundAndIsolated() throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assumeTrue(javac != null, "needs a JDK with javac, not a JRE");
        Path src = Files.createDirectories(tmp.resolve("src/com/example/tiny"));
        Files.writeString(src.resolve("TinyProviderFactory.java"), FACTORY);
        Files.writeString(src.resolve("Helper.java"), HELPER);
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                src.resolve("TinyProviderFactory.java").toString(), src.resolve("Helper.java").toString());
        assertThat(rc).isZero();
        Path folder = Files.createDirectories(tmp.resolve("plugins/tiny"));
        jar(classes, folder.resolve("tiny-provider.jar"));

        List<ProviderFactory> found = Providers.load(getClass().getClassLoader(), List.of(tmp.resolve("plugins")));

        ProviderFactory tiny = found.stream().filter(f -> f.name().equals("tiny")).findFirst().orElseThrow();
        assertThat(tiny.summary()).isEqualTo("visible: true, hidden: false, own helper: mine");
        assertThat(tiny.getClass().getClassLoader()).isNotSameAs(getClass().getClassLoader());
        assertThat(tiny.getClass().getClassLoader().getParent().getName()).isEqualTo("kiln-shared");
        assertThat(Providers.load(getClass().getClassLoader(), List.of()).stream().map(ProviderFactory::name))
                .doesNotContain("tiny");
    }

    private static void jar(Path classes, Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out);
             Stream<Path> files = Files.walk(classes)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(p).toString()));
                j.write(Files.readAllBytes(p));
                j.closeEntry();
            }
            j.putNextEntry(new JarEntry("META-INF/services/dev.kiln.spi.ProviderFactory"));
            j.write("com.example.tiny.TinyProviderFactory\n".getBytes(StandardCharsets.UTF_8));
            j.closeEntry();
        }
    }
}
