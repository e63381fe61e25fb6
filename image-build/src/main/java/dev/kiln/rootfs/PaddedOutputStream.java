package dev.kiln.rootfs;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Zero-pads what was written to a multiple of 4 bytes on close, as LinuxKit's pad4 writer does for initrds. */
final class PaddedOutputStream extends FilterOutputStream {

    private long count;

    PaddedOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        count += len;
    }

    @Override
    public void close() throws IOException {
        while (count % 4 != 0) {
            write(0);
        }
        super.close();
    }
}
