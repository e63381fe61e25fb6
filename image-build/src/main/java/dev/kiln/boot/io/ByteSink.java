package dev.kiln.boot.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where {@link Content} streams its bytes. */
public interface ByteSink {

    void write(byte[] bytes, int off, int len) throws IOException;

    default void write(byte[] bytes) throws IOException {
        write(bytes, 0, bytes.length);
    }

    /** Writes {@code n} zero bytes; sinks that can leave holes skip them. */
    default void zeros(long n) throws IOException {
        byte[] zero = new byte[(int) Math.min(n, 1 << 16)];
        for (long done = 0; done < n; done += zero.length) {
            write(zero, 0, (int) Math.min(zero.length, n - done));
        }
    }

    /** Copies {@code length} bytes of {@code file} from {@code offset}. */
    default void copy(Path file, long offset, long length) throws IOException {
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(offset);
            long done = 0;
            while (done < length) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, length - done));
                if (n < 0) {
                    throw new IOException(file + " ended after " + done + " of " + length + " bytes");
                }
                write(buf, 0, n);
                done += n;
            }
        }
    }

    /** The bytes of small content, such as a boot sector image, in memory. */
    static byte[] toBytes(Content content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) content.size());
        content.writeTo(out::write);
        return out.toByteArray();
    }
}
