package dev.kiln.spi.http;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/** Request bodies and digests the client tests share. */
final class TestBodies {

    private TestBodies() {
    }

    /** A file of {@code size} pseudo-random bytes (seeded, so a failure can be reproduced). */
    static Path randomFile(Path dir, int size) throws IOException {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return Files.write(dir.resolve("body-" + size), bytes);
    }

    /** The file as read-only slices of mappings, {@code slice} bytes each (the last one shorter). */
    static HttpBody mapped(Path file, int slice) throws IOException {
        long size = Files.size(file);
        return new HttpBody() {
            @Override
            public long length() {
                return size;
            }

            @Override
            public void writeTo(Sink sink) throws IOException {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                    for (long at = 0; at < size; at += slice) {
                        long n = Math.min(slice, size - at);
                        sink.write(channel.map(FileChannel.MapMode.READ_ONLY, at, n).asReadOnlyBuffer());
                    }
                }
            }
        };
    }

    /** {@code count} MiB of the same direct buffer: a big body that costs one MiB of memory. */
    static HttpBody mebibytes(int count) {
        ByteBuffer mib = ByteBuffer.allocateDirect(1 << 20);
        return new HttpBody() {
            @Override
            public long length() {
                return (long) count << 20;
            }

            @Override
            public void writeTo(Sink sink) throws IOException {
                for (int i = 0; i < count; i++) {
                    sink.write(mib.duplicate());
                }
            }
        };
    }

    /** A body that says it has {@code length} bytes but writes only {@code written}. */
    static HttpBody lying(long length, int written) {
        return new HttpBody() {
            @Override
            public long length() {
                return length;
            }

            @Override
            public void writeTo(Sink sink) throws IOException {
                sink.write(ByteBuffer.allocate(written));
            }
        };
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        }
    }

    static String sha256(InputStream in) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[64 * 1024];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Answers with the SHA-256 of the request body, after reading all of it. */
    static void answerDigest(HttpExchange exchange) throws IOException {
        byte[] answer;
        try (InputStream in = exchange.getRequestBody()) {
            answer = sha256(in).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        exchange.sendResponseHeaders(200, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }
}
