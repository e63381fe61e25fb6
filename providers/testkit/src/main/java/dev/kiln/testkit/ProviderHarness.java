package dev.kiln.testkit;

import dev.kiln.api.CancelToken;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.Sleeper;
import dev.kiln.build.CoreConversions;
import dev.kiln.spi.OptionSpec;
import dev.kiln.spi.Options;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.PushRequest;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds provider contexts the way the CLI does, from flags and an environment a test controls. */
public final class ProviderHarness {

    private final ProviderFactory factory;
    private final Path workDir;
    private final Map<String, List<String>> flags = new LinkedHashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final RecordingEvents events = new RecordingEvents();
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper;
    private CancelToken cancel = CancelToken.create();

    public ProviderHarness(ProviderFactory factory, Path workDir) {
        this.factory = factory;
        this.workDir = workDir;
    }

    public ProviderHarness flag(String name, String... values) {
        flags.computeIfAbsent(name, k -> new java.util.ArrayList<>()).addAll(List.of(values));
        return this;
    }

    public ProviderHarness env(String name, String value) {
        env.put(name, value);
        return this;
    }

    public ProviderHarness clock(Clock value) {
        this.clock = value;
        return this;
    }

    /** Waits go through this (e.g. a fake that advances the fake clock); default: sleeps on the cancel token. */
    public ProviderHarness sleeper(Sleeper value) {
        this.sleeper = value;
        return this;
    }

    /** The token the contexts carry; cancel it to play Ctrl-C. */
    public CancelToken cancel() {
        return cancel;
    }

    /** A fresh, untripped token for the next command. */
    public ProviderHarness newCancelToken() {
        cancel = CancelToken.create();
        return this;
    }

    public Map<String, String> environment() {
        return Map.copyOf(env);
    }

    public RecordingEvents events() {
        return events;
    }

    public ProviderContext pushContext() {
        return context(factory.pushOptions());
    }

    public ProviderContext runContext() {
        return context(factory.runOptions());
    }

    /**
     * The context of {@code kiln ls} and {@code kiln rm}, with those of the harness's flags they declare: a stand-in
     * sets push flags too (--workers, --bucket), which ls and rm do not take.
     */
    public ProviderContext inventoryContext() {
        List<OptionSpec> specs = factory.inventoryOptions();
        Map<String, List<String>> declared = new LinkedHashMap<>();
        specs.forEach(spec -> {
            if (flags.containsKey(spec.name())) {
                declared.put(spec.name(), flags.get(spec.name()));
            }
        });
        return context(specs, declared);
    }

    private ProviderContext context(List<OptionSpec> specs) {
        return context(specs, flags);
    }

    private ProviderContext context(List<OptionSpec> specs, Map<String, List<String>> flags) {
        Options options = Options.resolve(specs, flags, env);
        return ProviderContext.builder().options(options).env(env).events(events.as(factory.name())).clock(clock)
                .workDir(workDir).cancel(cancel).sleeper(sleeper).conversions(new CoreConversions()).build();
    }

    /** A sparse raw disk of {@code size} bytes with a few non-zero blocks, named NAME.raw. */
    public static Path sampleDisk(Path dir, String name, long size) throws IOException {
        Path file = dir.resolve(name + ".raw");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
            byte[] block = new byte[4096];
            for (int i = 0; i < block.length; i++) {
                block[i] = (byte) (i * 31 + 7);
            }
            raf.seek(0);
            raf.write(block);
            if (size > 8 << 20) {
                raf.seek(size / 2);
                raf.write(block);
            }
        }
        return file;
    }

    public static PushRequest pushRequest(Path image, ImageFormat format) {
        return PushRequest.of(image, format, "kiln-test", "sha256:" + "ab".repeat(32));
    }

    public static Path tempDir() throws IOException {
        return Files.createTempDirectory("kiln-test");
    }
}
