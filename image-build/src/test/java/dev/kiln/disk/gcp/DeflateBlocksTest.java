package dev.kiln.disk.gcp;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.zip.Deflater;

import static org.assertj.core.api.Assertions.assertThat;

class DeflateBlocksTest {

    private static byte[] deflate(byte[] in, int level) {
        Deflater d = new Deflater(level, true);
        d.setInput(in);
        d.finish();
        byte[] out = new byte[in.length * 2 + 1024];
        int n = 0;
        while (!d.finished()) {
            n += d.deflate(out, n, out.length - n);
        }
        d.end();
        return java.util.Arrays.copyOf(out, n);
    }

    @Test
    void findsTheEndOfStoredFixedAndDynamicStreams() {
        Random r = new Random(7);
        byte[] random = new byte[300_000];
        r.nextBytes(random);
        byte[] text = new byte[500_000];
        for (int i = 0; i < text.length; i++) {
            text[i] = (byte) (i % 3 == 0 ? r.nextInt(6) : "the quick brown fox ".charAt(i % 20));
        }
        byte[] tiny = "kiln".getBytes();
        for (byte[] input : new byte[][] {random, text, tiny, new byte[0]}) {
            for (int level : new int[] {1, 6, 9}) {
                byte[] z = deflate(input, level);
                DeflateBlocks.Ends ends = DeflateBlocks.walk(z, z.length);
                assertThat((ends.endBit() + 7) / 8).as("stream of %d bytes at level %d", input.length, level)
                        .isEqualTo(z.length);
                assertThat(z[(int) (ends.finalHeaderBit() >>> 3)] >>> (ends.finalHeaderBit() & 7) & 1)
                        .as("BFINAL set at the final header").isEqualTo(1);
            }
        }
    }
}
