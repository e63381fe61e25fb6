package dev.kiln.build;

import dev.kiln.limits.AtomicFiles;

import dev.kiln.boot.BootFiles;
import dev.kiln.core.Digests;
import dev.kiln.rootfs.RootfsWriter;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The outputs that need no disk layout, named as LinuxKit names them: {@code tar} (the root
 * filesystem), {@code kernel+initrd} (NAME-kernel, NAME-initrd.img with the microcode cpio
 * prepended when there is one, NAME-cmdline) and {@code tar-kernel-initrd} (NAME-initrd.tar
 * holding kernel, initrd.img, cmdline and ucode.cpio).
 */
public final class BasicOutputs implements OutputWriter {

    @Override
    public Set<Format> formats() {
        return EnumSet.of(Format.TAR, Format.KERNEL_INITRD, Format.TAR_KERNEL_INITRD);
    }

    @Override
    public List<Artifact> write(Format format, BootFiles files) throws IOException {
        Files.createDirectories(files.dir());
        return switch (format) {
            case TAR -> List.of(copy(files.rootfsTar(), files.output(files.name() + ".tar"), format));
            case KERNEL_INITRD -> kernelInitrd(files);
            case TAR_KERNEL_INITRD -> List.of(tarKernelInitrd(files));
            default -> throw new IllegalArgumentException("not a basic format: " + format);
        };
    }

    private static List<Artifact> kernelInitrd(BootFiles files) throws IOException {
        List<Artifact> out = new ArrayList<>();
        out.add(copy(files.kernel(), files.output(files.name() + "-kernel"), Format.KERNEL_INITRD));
        Path initrd = files.output(files.name() + "-initrd.img");
        if (files.ucode().isPresent()) {
            AtomicFiles.write(initrd, o -> {
                Files.copy(files.ucode().get(), o);
                Files.copy(files.initrd(), o);
            });
            out.add(artifact(initrd, Format.KERNEL_INITRD));
        } else {
            out.add(copy(files.initrd(), initrd, Format.KERNEL_INITRD));
        }
        Path cmdline = files.output(files.name() + "-cmdline");
        AtomicFiles.writeString(cmdline, files.cmdline());
        out.add(artifact(cmdline, Format.KERNEL_INITRD));
        return out;
    }

    private static Artifact tarKernelInitrd(BootFiles files) throws IOException {
        Path target = files.output(files.name() + "-initrd.tar");
        AtomicFiles.write(target, out -> {
            TarArchiveOutputStream tar = new TarArchiveOutputStream(out, "UTF-8");
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            add(tar, "kernel", files.kernel());
            add(tar, "initrd.img", files.initrd());
            byte[] cmdline = files.cmdline().getBytes(StandardCharsets.UTF_8);
            put(tar, "cmdline", cmdline.length, new ByteArrayInputStream(cmdline));
            if (files.ucode().isPresent()) {
                add(tar, "ucode.cpio", files.ucode().get());
            }
            tar.finish();
        });
        return artifact(target, Format.TAR_KERNEL_INITRD);
    }

    private static void add(TarArchiveOutputStream tar, String name, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            put(tar, name, Files.size(file), in);
        }
    }

    private static void put(TarArchiveOutputStream tar, String name, long size, InputStream data) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(size);
        e.setMode(0644);
        e.setUserName("");
        e.setGroupName("");
        e.setLastModifiedTime(RootfsWriter.MTIME);
        tar.putArchiveEntry(e);
        data.transferTo(tar);
        tar.closeArchiveEntry();
    }

    /** A hard link when the build's files are on the same file system (no second gigabyte written), else a copy. */
    private static Artifact copy(Path from, Path to, Format format) throws IOException {
        Files.deleteIfExists(to);
        try {
            Files.createLink(to, from);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
        return artifact(to, format);
    }

    static Artifact artifact(Path file, Format format) throws IOException {
        return new Artifact(file, format, Files.size(file), Digests.sha256Hex(file), format.bootModes());
    }
}
