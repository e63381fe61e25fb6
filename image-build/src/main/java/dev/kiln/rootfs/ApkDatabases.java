package dev.kiln.rootfs;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * LinuxKit's apk-aware init writer: each init image keeps its own {@code lib/apk/db/installed},
 * and when more than one image had one, their union (each followed by a blank line) is written
 * after the last init image, so apk in the running system sees every installed package.
 * The databases are collected in a temporary file, not in memory.
 */
final class ApkDatabases implements Closeable {

    static final String INSTALLED = "lib/apk/db/installed";

    private final Path union;
    private int count;

    ApkDatabases(Path tmp) throws IOException {
        this.union = Files.createTempFile(tmp, "apk", ".db");
    }

    void collect(FlatImage image) throws IOException {
        TarEntry db = image.get(INSTALLED);
        if (db == null || db.kind() != TarEntry.Kind.FILE) {
            return;
        }
        try (InputStream in = image.open(INSTALLED);
             OutputStream out = Files.newOutputStream(union, StandardOpenOption.APPEND)) {
            in.transferTo(out);
            out.write(new byte[] {'\n', '\n'});
        }
        count++;
    }

    void write(RootfsWriter out) throws IOException {
        if (count < 2) {
            return;
        }
        try (InputStream in = Files.newInputStream(union)) {
            out.write(TarEntry.file(INSTALLED, 0644, Files.size(union)), in, "linuxkit.init", "init");
        }
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(union);
    }
}
