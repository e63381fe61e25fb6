package dev.kiln.boot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * A tiny initrd for boot tests: a gzip'd newc cpio (the kernel's initramfs format,
 * Documentation/driver-api/early-userspace/buffer-format.rst) with busybox-static as /bin/busybox
 * and an /init script that prints a marker on the console and powers off.
 */
public final class TestInitrd {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int inode = 1;

    private TestInitrd() {
    }

    public static void write(Path target, String marker) throws IOException {
        TestInitrd c = new TestInitrd();
        c.entry("bin", 040755, new byte[0], 0, 0);
        c.entry("dev", 040755, new byte[0], 0, 0);
        c.entry("dev/console", 020600, new byte[0], 5, 1);
        c.entry("proc", 040755, new byte[0], 0, 0);
        c.entry("bin/busybox", 0100755, Files.readAllBytes(Path.of("/bin/busybox")), 0, 0);
        String init = "#!/bin/busybox sh\n/bin/busybox echo " + marker + " > /dev/console\n"
                + "/bin/busybox poweroff -f\n";
        c.entry("init", 0100755, init.getBytes(StandardCharsets.US_ASCII), 0, 0);
        c.entry("TRAILER!!!", 0, new byte[0], 0, 0);
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(target))) {
            gz.write(c.out.toByteArray());
        }
    }

    private void entry(String name, int mode, byte[] data, int rdevMajor, int rdevMinor) {
        byte[] n = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        String header = String.format("070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
                name.equals("TRAILER!!!") ? 0 : inode++, mode, 0, 0, (mode & 040000) != 0 ? 2 : 1, 0, data.length,
                0, 0, rdevMajor, rdevMinor, n.length, 0);
        out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(n);
        pad();
        out.writeBytes(data);
        pad();
    }

    private void pad() {
        while (out.size() % 4 != 0) {
            out.write(0);
        }
    }
}
