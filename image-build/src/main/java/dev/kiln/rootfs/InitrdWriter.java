package dev.kiln.rootfs;

import dev.kiln.api.KilnException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;

/**
 * Splits a root filesystem tar into the boot files, as LinuxKit's {@code initrd.CopySplitTar}:
 * {@code boot/kernel}, {@code boot/cmdline} and {@code boot/ucode.cpio} go to their own files,
 * the rest of {@code boot/} is dropped, and every other entry goes into the initrd, a gzip'd newc
 * cpio zero-padded to 4 bytes. Hard links become relative symlinks, as LinuxKit makes them.
 * One pass, streaming.
 */
public final class InitrdWriter {

    /** What the split produced; {@code kernel} is empty when the rootfs has none. */
    public record Split(Optional<Path> kernel, String cmdline, Optional<Path> ucode, Path initrd) {
    }

    private InitrdWriter() {
    }

    public static Split split(Path rootfsTar, Path outDir) throws IOException {
        return split(rootfsTar, outDir, entry -> "the root filesystem");
    }

    /**
     * @param origin names where an entry of the root filesystem came from ("image X (services foo)"), for
     *               the error when the initrd cannot hold it
     */
    public static Split split(Path rootfsTar, Path outDir, Function<String, String> origin) throws IOException {
        Path kernel = outDir.resolve("kernel");
        Path ucode = outDir.resolve("ucode.cpio");
        Path initrd = outDir.resolve("initrd.img");
        boolean hasKernel = false;
        boolean hasUcode = false;
        String cmdline = "";
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(rootfsTar), 1 << 16);
             TarArchiveInputStream tar = new TarArchiveInputStream(raw, "UTF-8");
             OutputStream file = new PaddedOutputStream(new BufferedOutputStream(Files.newOutputStream(initrd), 1 << 16));
             GZIPOutputStream gz = new GZIPOutputStream(file, 1 << 16)) {
            CpioWriter cpio = new CpioWriter(gz);
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                dev.kiln.limits.Interruptions.check("the initrd");
                String name = trim(e.getName());
                switch (name) {
                    case "boot/kernel" -> hasKernel = copy(tar, kernel);
                    case "boot/ucode.cpio" -> hasUcode = copy(tar, ucode);
                    case "boot/cmdline" -> cmdline = new String(tar.readAllBytes(), StandardCharsets.UTF_8);
                    default -> {
                        if (!name.equals("boot") && !name.startsWith("boot/")) {
                            try {
                                entry(cpio, e, name, tar);
                            } catch (CpioWriter.CpioFieldException x) {
                                throw KilnException.tried("write the initrd", "entry /" + name + " from "
                                        + origin.apply(name) + " cannot be stored: " + x.getMessage(),
                                        "an initramfs (newc cpio) holds files under 4 GiB with uid/gid under 2^32;"
                                                + " shrink or split that file, or build only -f tar", x);
                            }
                        }
                    }
                }
            }
            cpio.finish();
        }
        return new Split(hasKernel ? Optional.of(kernel) : Optional.empty(), cmdline,
                hasUcode ? Optional.of(ucode) : Optional.empty(), initrd);
    }

    private static void entry(CpioWriter cpio, TarArchiveEntry e, String name, InputStream data) throws IOException {
        int perm = e.getMode() & 07777;
        long mtime = e.getLastModifiedTime().toMillis() / 1000;
        if (e.isSymbolicLink() || e.isLink()) {
            String target = e.isLink() ? relative(name, trim(e.getLinkName())) : e.getLinkName();
            byte[] t = target.getBytes(StandardCharsets.UTF_8);
            cpio.write(name, CpioWriter.S_IFLNK | (e.isLink() ? 0777 : perm), e.getLongUserId(), e.getLongGroupId(),
                    mtime, t.length, 0, 0, new ByteArrayInputStream(t));
            return;
        }
        int type = e.isDirectory() ? CpioWriter.S_IFDIR : e.isCharacterDevice() ? CpioWriter.S_IFCHR
                : e.isBlockDevice() ? CpioWriter.S_IFBLK : e.isFIFO() ? CpioWriter.S_IFIFO : CpioWriter.S_IFREG;
        long size = type == CpioWriter.S_IFREG ? e.getSize() : 0;
        cpio.write(name, type | perm, e.getLongUserId(), e.getLongGroupId(), mtime, size, e.getDevMajor(),
                e.getDevMinor(), type == CpioWriter.S_IFREG ? data : InputStream.nullInputStream());
    }

    /** The path of {@code target} relative to the directory holding {@code name}. */
    static String relative(String name, String target) {
        Path dir = Path.of(name).getParent();
        return dir == null ? target : dir.relativize(Path.of(target)).toString();
    }

    private static boolean copy(InputStream in, Path to) throws IOException {
        try (OutputStream out = Files.newOutputStream(to)) {
            in.transferTo(out);
        }
        return true;
    }

    private static String trim(String name) {
        String n = name.startsWith("./") ? name.substring(2) : name;
        return n.endsWith("/") ? n.substring(0, n.length() - 1) : n;
    }
}
