package dev.kiln.testing;

import dev.kiln.api.Artifact;
import dev.kiln.api.ImageFormat;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * A tiny kernel+initrd build as kiln writes it (NAME-kernel, NAME-initrd.img, NAME-cmdline): this machine's
 * Debian kernel and a gzip'd newc cpio with busybox-static and an /init that prints a line and the kernel's
 * command line ({@code CMDLINE ...}), then powers off: what an iPXE or PXE boot test boots.
 */
public final class KernelInitrdGuest {

    public static final String CMDLINE = "quiet panic=-1 no_timer_check";

    private KernelInitrdGuest() {
    }

    public static Artifact write(Path dir, String name, String line) throws IOException {
        Path kernel = dir.resolve(name + "-kernel");
        Files.copy(HostKernel.path(), kernel);
        Path cmdline = Files.writeString(dir.resolve(name + "-cmdline"), CMDLINE);
        Path initrd = dir.resolve(name + "-initrd.img");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(initrd));
             CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(out, CpioConstants.FORMAT_NEW)) {
            for (String d : new String[] {"bin", "dev", "proc", "sys"}) {
                entry(cpio, d, CpioConstants.C_ISDIR | 0755, new byte[0]);
            }
            entry(cpio, "bin/busybox", CpioConstants.C_ISREG | 0755, Files.readAllBytes(Path.of("/bin/busybox")));
            String init = "#!/bin/busybox sh\n/bin/busybox --install -s /bin\nmount -t proc proc /proc\n"
                    + "echo " + line + "\necho \"CMDLINE $(cat /proc/cmdline)\"\npoweroff -f\n";
            entry(cpio, "init", CpioConstants.C_ISREG | 0755, init.getBytes(StandardCharsets.UTF_8));
        }
        Map<String, Path> files = new LinkedHashMap<>();
        files.put(Artifact.KERNEL, kernel);
        files.put(Artifact.INITRD, initrd);
        files.put(Artifact.CMDLINE, cmdline);
        return new Artifact(ImageFormat.KERNEL_INITRD, files);
    }

    private static void entry(CpioArchiveOutputStream cpio, String name, int mode, byte[] content) throws IOException {
        CpioArchiveEntry e = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, name, content.length);
        e.setMode(mode);
        e.setNumberOfLinks(1);
        cpio.putArchiveEntry(e);
        cpio.write(content);
        cpio.closeArchiveEntry();
    }
}
