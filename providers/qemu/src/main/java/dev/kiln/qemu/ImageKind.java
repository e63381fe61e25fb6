package dev.kiln.qemu;

import dev.kiln.api.KilnException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What an image argument is. Files are told apart by their magic bytes, not their names (a
 * {@code .img} may be raw or qcow2): qcow2 {@code QFI\xfb} (qcow2.txt), VMDK {@code KDMV} or a
 * text descriptor (VMDK 5.0 technote), VHDX {@code vhdxfile}, VHD a {@code conectix} footer at the
 * end or its copy at the start (VHD spec), ISO9660 {@code CD001} at byte 32769 (ECMA-119 8.1).
 * An isohybrid file that is also a partitioned disk boots as a disk unless it is named .iso, as
 * LinuxKit's {@code run qemu} decides by the suffix.
 */
enum ImageKind {
    KERNEL_INITRD(""),
    ISO("raw"),
    RAW("raw"),
    QCOW2("qcow2"),
    VHD("vpc"),
    VHDX("vhdx"),
    VMDK("vmdk");

    private static final int ISO_MAGIC_AT = 16 * 2048 + 1;
    private static final int VHD_FOOTER = 512;

    private final String qemuFormat;

    ImageKind(String qemuFormat) {
        this.qemuFormat = qemuFormat;
    }

    /** The {@code format=} qemu is given for this kind; empty for kernel+initrd. */
    String qemuFormat() {
        return qemuFormat;
    }

    /** True when the bytes are not the guest's disk as is, so reading its sectors needs qemu-img. */
    boolean isContainer() {
        return this == QCOW2 || this == VHD || this == VHDX || this == VMDK;
    }

    /** The kind of an existing file, by its content (and the .iso suffix for hybrid files). */
    static ImageKind sniff(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                throw KilnException.usage(file + " is empty; it is not a bootable image");
            }
            String head = ascii(ch, 0, 24);
            if (head.startsWith("QFI\u00fb")) {
                return QCOW2;
            }
            if (head.startsWith("KDMV") || head.startsWith("# Disk DescriptorFile")) {
                return VMDK;
            }
            if (head.startsWith("vhdxfile")) {
                return VHDX;
            }
            if (head.startsWith("conectix") || size >= VHD_FOOTER
                    && ascii(ch, size - VHD_FOOTER, 8).equals("conectix")) {
                return VHD;
            }
            boolean iso = ascii(ch, ISO_MAGIC_AT, 5).equals("CD001");
            boolean named = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".iso");
            if (iso && (named || !hasBootSignature(ch))) {
                return ISO;
            }
            return RAW;
        } catch (IOException e) {
            throw KilnException.tried("read " + file, KilnException.reason(e), "check the file is readable");
        }
    }

    private static boolean hasBootSignature(FileChannel ch) throws IOException {
        ByteBuffer b = read(ch, 510, 2);
        return b.remaining() == 2 && (b.get(0) & 0xff) == 0x55 && (b.get(1) & 0xff) == 0xaa;
    }

    private static String ascii(FileChannel ch, long at, int length) throws IOException {
        ByteBuffer b = read(ch, at, length);
        return new String(b.array(), 0, b.remaining(), StandardCharsets.ISO_8859_1);
    }

    static ByteBuffer read(FileChannel ch, long at, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining() && at + b.position() < ch.size()) {
            if (ch.read(b, at + b.position()) < 0) {
                break;
            }
        }
        return b.flip();
    }
}
