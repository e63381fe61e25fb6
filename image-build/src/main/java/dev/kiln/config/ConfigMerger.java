package dev.kiln.config;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.limits.Names;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads several configuration files in order ({@code -} is stdin) and merges them as LinuxKit's
 * {@code AppendConfig} does, then checks what only the merged whole can show: unique service and
 * volume names, and values with a fixed vocabulary.
 */
public final class ConfigMerger {

    private static final Pattern VOLUME_NAME = Pattern.compile("[a-z0-9_-]*");

    private final ConfigParser parser;
    private final InputStream stdin;

    public ConfigMerger(Events events, InputStream stdin) {
        this.parser = new ConfigParser(events);
        this.stdin = stdin;
    }

    public KilnConfig load(List<Path> files) {
        if (files.isEmpty()) {
            throw KilnException.usage("Name at least one YAML file, or '-' to read stdin");
        }
        KilnConfig merged = KilnConfig.EMPTY;
        for (Path file : files) {
            merged = merged.append(parser.parse(label(file), read(file)));
        }
        validate(merged);
        return merged;
    }

    static void validate(KilnConfig config) {
        for (String section : List.of("onboot", "onshutdown", "services")) {
            List<ImageSpec> specs = section.equals("onboot") ? config.onboot()
                    : section.equals("onshutdown") ? config.onshutdown() : config.services();
            for (ImageSpec s : specs) {
                Names.problem(s.name()).ifPresent(why -> {
                    throw ConfigErrors.at(s.position(), section, "name '" + s.name() + "' is not allowed: " + why,
                            "the name becomes the folder containers/" + section + "/NAME in the image; rename it");
                });
            }
        }
        Set<String> services = new HashSet<>();
        for (ImageSpec s : config.services()) {
            if (!services.add(s.name())) {
                throw ConfigErrors.at(s.position(), "services", "duplicate service name '" + s.name() + "'",
                        "service names must be unique as they run side by side; rename one");
            }
        }
        Set<String> volumes = new HashSet<>();
        for (VolumeSpec v : config.volumes()) {
            if (!VOLUME_NAME.matcher(v.name()).matches() || !volumes.add(v.name())) {
                throw KilnException.tried("read the configuration", "volume name '" + v.name()
                        + "' is invalid or used twice", "use unique names of a-z, 0-9, '_' and '-'").asUsage();
            }
            if (v.format() != null && !v.format().equals("filesystem") && !v.format().equals("oci")) {
                throw KilnException.tried("read the configuration", "volume '" + v.name() + "' has format '"
                        + v.format() + "'", "use 'filesystem' (the default) or 'oci'").asUsage();
            }
        }
        for (FileSpec f : config.files()) {
            if (f.metadata() != null && !f.metadata().equals("yaml") && !f.metadata().equals("json")) {
                throw ConfigErrors.at(f.position(), "files", "metadata must be 'yaml' or 'json', not '"
                        + f.metadata() + "'", "");
            }
        }
    }

    private static String label(Path file) {
        return file.toString().equals("-") ? "<stdin>" : file.toString();
    }

    private String read(Path file) {
        try {
            if (file.toString().equals("-")) {
                return YamlDocument.read(stdin, "<stdin>");
            }
            try (InputStream in = Files.newInputStream(file)) {
                return YamlDocument.read(in, file.toString());
            }
        } catch (NoSuchFileException e) {
            throw KilnException.usage("Configuration file " + file + " does not exist");
        } catch (IOException e) {
            throw KilnException.tried("read the configuration " + file, KilnException.reason(e), "check the file", e);
        }
    }
}
