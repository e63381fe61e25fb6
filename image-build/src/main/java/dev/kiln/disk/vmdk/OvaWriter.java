package dev.kiln.disk.vmdk;

import dev.kiln.core.Sizes;
import dev.kiln.api.DiskSource;
import dev.kiln.disk.SequentialOutput;
import dev.kiln.disk.WriteOptions;
import dev.kiln.disk.tar.TarHeaders;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.LongConsumer;

/**
 * An OVA: a tar (ustar) holding NAME.ovf first, then the manifest NAME.mf with SHA-256 digests of the
 * other members (OVF 1.0 section 5.3 lets the manifest follow the descriptor), then the
 * streamOptimized NAME-disk1.vmdk. The VMDK is written to a temporary file first, hashed as it is
 * written, because the manifest must precede it.
 */
public final class OvaWriter {

    private final DiskSource source;
    private final WriteOptions options;

    public OvaWriter(DiskSource source, WriteOptions options) {
        this.source = source;
        this.options = options;
    }

    public void write(FileChannel out, Path tempDir, LongConsumer scanned) throws IOException {
        String name = options.name();
        String vmdkName = name + "-disk1.vmdk";
        Path tmp = Files.createTempFile(tempDir, "." + name, ".vmdk.partial");
        try {
            MessageDigest vmdkDigest = sha256();
            long vmdkSize;
            StreamVmdkWriter vmdk = new StreamVmdkWriter(source, options.withName(name + "-disk1"));
            try (FileChannel v = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                vmdkSize = vmdk.write(hashing(v, vmdkDigest), scanned);
            }
            byte[] ovf = OvfDescriptor.xml(name, vmdkName, vmdkSize, (source.size() + 511) / 512 * 512,
                    vmdk.populatedBytes()).getBytes(StandardCharsets.UTF_8);
            byte[] mf = ("SHA256(" + name + ".ovf)= " + hex(sha256().digest(ovf)) + "\n"
                    + "SHA256(" + vmdkName + ")= " + hex(vmdkDigest.digest()) + "\n").getBytes(StandardCharsets.UTF_8);
            long mtime = options.timestamp().getEpochSecond();
            SequentialOutput o = new SequentialOutput(out);
            member(o, name + ".ovf", ovf, mtime);
            member(o, name + ".mf", mf, mtime);
            o.write(TarHeaders.ustar(vmdkName, vmdkSize, mtime));
            o.flush();
            try (FileChannel v = FileChannel.open(tmp, StandardOpenOption.READ)) {
                for (long pos = 0; pos < vmdkSize; ) {
                    pos += v.transferTo(pos, vmdkSize - pos, out);
                }
            }
            long tarBytes = o.position() + vmdkSize + pad(vmdkSize);
            o.zeros(pad(vmdkSize) + 2L * TarHeaders.BLOCK);
            o.zeros(Sizes.roundUp(tarBytes + 2L * TarHeaders.BLOCK, 10240) - tarBytes - 2L * TarHeaders.BLOCK);
            o.flush();
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void member(SequentialOutput o, String name, byte[] content, long mtime) throws IOException {
        o.write(TarHeaders.ustar(name, content.length, mtime));
        o.write(content);
        o.zeros(pad(content.length));
    }

    private static long pad(long n) {
        return (TarHeaders.BLOCK - n % TarHeaders.BLOCK) % TarHeaders.BLOCK;
    }

    private static WritableByteChannel hashing(WritableByteChannel ch, MessageDigest digest) {
        return new WritableByteChannel() {
            @Override
            public int write(ByteBuffer src) throws IOException {
                ByteBuffer view = src.duplicate();
                int n = ch.write(src);
                digest.update(view.limit(view.position() + n));
                return n;
            }

            @Override
            public boolean isOpen() {
                return ch.isOpen();
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
