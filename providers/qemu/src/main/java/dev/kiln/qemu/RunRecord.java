package dev.kiln.qemu;

import dev.kiln.api.KilnException;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * {@value #FILE} in a state directory: what {@code kiln ls qemu} finds and {@code kiln rm qemu} removes. A run
 * that keeps its state writes it: the VM's name, the image it booted, when it started, qemu's pid once it runs in
 * the background, and the files kiln made for it (disks, seed CD, UEFI variables), which {@code rm} deletes; a
 * disk the user brought is not among them.
 *
 * @param files absolute paths, in the order they were made
 */
record RunRecord(String name, String image, Instant started, Optional<Long> pid, List<Path> files,
                 String kilnVersion) {

    static final String FILE = "kiln-run.properties";

    RunRecord {
        files = List.copyOf(files);
    }

    /** The record in {@code dir}, or empty when there is none (or it is not kiln's). */
    static Optional<RunRecord> read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
            List<Path> files = new ArrayList<>();
            for (int i = 0; p.containsKey("file." + i); i++) {
                files.add(dir.resolve(p.getProperty("file." + i)).toAbsolutePath().normalize());
            }
            String pid = p.getProperty("pid", "");
            return Optional.of(new RunRecord(p.getProperty("name", ""), p.getProperty("image", ""),
                    Instant.parse(p.getProperty("started")), pid.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(pid)),
                    files, p.getProperty("kiln.version", "")));
        } catch (IOException e) {
            throw KilnException.tried("read " + file, KilnException.reason(e), "check the file is readable");
        } catch (RuntimeException e) {
            // a missing start time or a pid that is no number: not a record kiln wrote
            return Optional.empty();
        }
    }

    /** This record with {@code made} added and the files of an earlier run on the same state that are still there. */
    RunRecord withFiles(List<Path> made, Optional<RunRecord> earlier) {
        Set<Path> all = new LinkedHashSet<>();
        earlier.ifPresent(e -> e.files.stream().filter(Files::exists).forEach(all::add));
        made.forEach(f -> all.add(f.toAbsolutePath().normalize()));
        return new RunRecord(name, image, started, pid, List.copyOf(all), kilnVersion);
    }

    RunRecord withPid(long value) {
        return new RunRecord(name, image, started, Optional.of(value), files, kilnVersion);
    }

    void write(Path dir) {
        Properties p = new Properties();
        p.setProperty("name", name);
        p.setProperty("image", image);
        p.setProperty("started", started.toString());
        pid.ifPresent(v -> p.setProperty("pid", Long.toString(v)));
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            p.setProperty("file." + i, f.startsWith(dir) ? dir.relativize(f).toString() : f.toString());
        }
        p.setProperty("kiln.version", kilnVersion);
        Path file = dir.resolve(FILE);
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(out, "what kiln run qemu made here; 'kiln rm qemu " + dir + "' stops the VM and removes it");
        } catch (IOException e) {
            throw KilnException.tried("write " + file, KilnException.reason(e), "check the state directory is writable");
        }
    }
}
