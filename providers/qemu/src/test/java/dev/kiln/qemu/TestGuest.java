package dev.kiln.qemu;

import dev.kiln.testing.HostKernel;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

/**
 * A tiny guest built from this machine's Debian kernel and busybox-static: a gzip'd newc cpio
 * with {@code /init} (a busybox shell script), {@code /bin/busybox} and the kernel modules the
 * script needs (Debian builds isofs, sr_mod, ahci, virtio_blk, virtio_net as modules), written as
 * {@code NAME-kernel}, {@code NAME-initrd.img} and {@code NAME-cmdline} like kiln's kernel+initrd
 * output. The init mounts /proc, /sys and /dev, loads the modules in dependency order, runs the
 * test's script and powers off.
 */
final class TestGuest {

    static final Path BUSYBOX = Path.of("/bin/busybox");
    static final String CMDLINE = "console=ttyS0 quiet panic=-1 no_timer_check";

    private final List<String> modules = new ArrayList<>();
    private final Map<String, String> files = new HashMap<>();
    private String script = "";

    static Path kernel() throws IOException {
        return HostKernel.path();
    }

    static Path moduleRoot() throws IOException {
        return Path.of("/lib/modules", HostKernel.release());
    }

    /** Loads these modules (and what they depend on) before the script runs. */
    TestGuest modules(String... names) {
        modules.addAll(List.of(names));
        return this;
    }

    /** An extra file in the initrd, mode 0755. */
    TestGuest file(String path, String content) {
        files.put(path, content);
        return this;
    }

    /** Shell lines run after setup, before the power-off. */
    TestGuest script(String lines) {
        this.script = lines;
        return this;
    }

    /** Writes NAME-kernel (the host's kernel), NAME-initrd.img and NAME-cmdline; returns NAME. */
    Path writeTo(Path dir, String name) throws IOException {
        Path prefix = dir.resolve(name);
        Files.copy(kernel(), Path.of(prefix + "-kernel"));
        Files.writeString(Path.of(prefix + "-cmdline"), CMDLINE);
        List<Path> kos = ordered(modules);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(Path.of(prefix + "-initrd.img")));
             CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(out, CpioConstants.FORMAT_NEW)) {
            for (String d : List.of("bin", "dev", "proc", "sys", "mnt", "lib", "lib/modules")) {
                entry(cpio, d, CpioConstants.C_ISDIR | 0755, new byte[0]);
            }
            entry(cpio, "bin/busybox", CpioConstants.C_ISREG | 0755, Files.readAllBytes(BUSYBOX));
            StringBuilder load = new StringBuilder();
            for (Path ko : kos) {
                String file = ko.getFileName().toString();
                entry(cpio, "lib/modules/" + file, CpioConstants.C_ISREG | 0644, Files.readAllBytes(ko));
                load.append("insmod /lib/modules/").append(file).append('\n');
            }
            for (Map.Entry<String, String> f : files.entrySet()) {
                entry(cpio, f.getKey(), CpioConstants.C_ISREG | 0755, f.getValue().getBytes(StandardCharsets.UTF_8));
            }
            entry(cpio, "init", CpioConstants.C_ISREG | 0755, init(load.toString()).getBytes(StandardCharsets.UTF_8));
        }
        return prefix;
    }

    private String init(String load) {
        return "#!/bin/busybox sh\n"
                + "/bin/busybox --install -s /bin\n"
                + "mount -t proc proc /proc\n"
                + "mount -t sysfs sys /sys\n"
                + "mount -t devtmpfs dev /dev\n"
                + load
                + script + "\n"
                + "poweroff -f\n";
    }

    private static void entry(CpioArchiveOutputStream cpio, String name, int mode, byte[] content) throws IOException {
        CpioArchiveEntry e = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, name, content.length);
        e.setMode(mode);
        e.setNumberOfLinks(1);
        cpio.putArchiveEntry(e);
        cpio.write(content);
        cpio.closeArchiveEntry();
    }

    /** The .ko files for these modules, each after the modules it depends on (from modules.dep). */
    static List<Path> ordered(List<String> names) throws IOException {
        Path root = moduleRoot();
        Map<String, List<String>> deps = new HashMap<>();
        Map<String, String> byName = new HashMap<>();
        for (String line : Files.readAllLines(root.resolve("modules.dep"))) {
            int colon = line.indexOf(':');
            String ko = line.substring(0, colon);
            String rest = line.substring(colon + 1).trim();
            deps.put(ko, rest.isEmpty() ? List.of() : List.of(rest.split("\\s+")));
            byName.put(Path.of(ko).getFileName().toString().replace(".ko", "").replace('-', '_'), ko);
        }
        Set<String> order = new LinkedHashSet<>();
        for (String name : names) {
            String ko = byName.get(name.replace('-', '_'));
            if (ko == null) {
                throw new IOException("module " + name + " is not in " + root + "/modules.dep (built in?)");
            }
            visit(ko, deps, order);
        }
        return order.stream().map(root::resolve).toList();
    }

    private static void visit(String ko, Map<String, List<String>> deps, Set<String> order) {
        if (order.contains(ko)) {
            return;
        }
        for (String dep : deps.getOrDefault(ko, List.of())) {
            visit(dep, deps, order);
        }
        order.add(ko);
    }
}
