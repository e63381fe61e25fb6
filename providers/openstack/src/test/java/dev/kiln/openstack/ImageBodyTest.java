package dev.kiln.openstack;

import dev.kiln.api.Conversions;
import dev.kiln.api.DiskSource;
import dev.kiln.api.ImageFormat;
import dev.kiln.build.CoreConversions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A raw disk's qcow2 as an upload body: every open starts from the first byte, closing stops the writer. */
class ImageBodyTest {

    @TempDir
    Path tmp;

    private final Conversions conversions = new CoreConversions();

    private Path raw() throws IOException {
        Path raw = tmp.resolve("disk.raw");
        byte[] data = new byte[5 << 20];
        new Random(3).nextBytes(data);
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            f.setLength(96L << 20);
            f.write(data);
            f.seek(60L << 20);
            f.write(data, 0, 300_000);
        }
        return raw;
    }

    private byte[] direct(Path raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DiskSource disk = conversions.open(raw)) {
            conversions.stream(disk, ImageFormat.QCOW2, Channels.newChannel(out), "disk");
        }
        return out.toByteArray();
    }

    private static Thread writer() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("kiln-qcow2-stream"))
                .findFirst().orElse(null);
    }

    @Test
    void aSecondOpenStartsAgainFromTheFirstByteAndClosingTheFirstStopsItsWriter() throws Exception {
        Path raw = raw();
        byte[] expected = direct(raw);
        long bound;
        java.util.List<dev.kiln.api.Extent> data;
        try (DiskSource disk = conversions.open(raw)) {
            data = disk.extents();
            bound = conversions.streamBound(disk, ImageFormat.QCOW2);
        }
        ImageBody body = ImageBody.qcow2(raw, data, conversions, "disk", bound);
        assertThat(body.size()).isEqualTo(expected.length);

        InputStream first = body.open();
        byte[] head = first.readNBytes(100_000);
        Thread stopped = writer();
        first.close();
        if (stopped != null) {
            stopped.join(30_000);
            assertThat(stopped.isAlive()).as("the first open's writer stops when its stream is closed").isFalse();
        }
        byte[] all;
        byte[][] digests;
        try (InputStream second = body.open()) {
            all = second.readAllBytes();
            digests = ((ImageBody.SelfHashing) second).digests();
        }

        assertThat(head).isEqualTo(java.util.Arrays.copyOf(expected, 100_000));
        assertThat(all).as("the second open, from the first byte").isEqualTo(expected);
        assertThat(new String(all, 0, 4, java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo("QFI\u00fb");
        assertThat(digests[0]).as("MD5 hashed by the writer").isEqualTo(MessageDigest.getInstance("MD5").digest(expected));
        assertThat(digests[1]).as("SHA-512 hashed by the writer")
                .isEqualTo(MessageDigest.getInstance("SHA-512").digest(expected));
    }

    @Test
    void aDiskThatCannotBeReadFailsTheStreamInsteadOfEndingItShort() throws Exception {
        Path raw = raw();
        ImageBody body = ImageBody.qcow2(raw, java.util.List.of(), conversions, "disk", 1);
        Files.delete(raw);

        assertThatThrownBy(() -> {
            try (InputStream in = body.open()) {
                in.readAllBytes();
            }
        }).isInstanceOf(IOException.class).hasMessageContaining("writing the qcow2 failed");
    }
}
