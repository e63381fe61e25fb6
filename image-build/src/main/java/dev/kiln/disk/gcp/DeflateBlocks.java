package dev.kiln.disk.gcp;

/**
 * Walks a complete raw deflate stream (RFC 1951) without producing output, to find where its final
 * block starts and where it ends, in bits. That is what it takes to turn a whole-buffer compressor's
 * output into a non-final piece of a longer stream: clear the BFINAL bit, then end with an empty stored
 * block (a sync flush) on a byte boundary.
 */
final class DeflateBlocks {

    /** Bit offsets in the stream: the header of the final block and the bit after its end-of-block code. */
    record Ends(long finalHeaderBit, long endBit) {
    }

    private static final int MAX_BITS = 15;
    private static final int[] LENGTH_EXTRA = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
    private static final int[] DIST_EXTRA = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
    private static final int[] CLEN_ORDER = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
    private static final short[] FIXED_LIT = table(fixedLitLengths(), 288);
    private static final short[] FIXED_DIST = table(filled(30, 5), 30);

    /** Per-thread decoding tables (literal/length, distance, code length), reused to keep garbage low. */
    private static final ThreadLocal<short[][]> TABLES =
            ThreadLocal.withInitial(() -> new short[][] {new short[1 << MAX_BITS], new short[1 << MAX_BITS],
                    new short[1 << MAX_BITS]});

    private final byte[] in;
    private final int length;
    private final short[][] scratch = TABLES.get();
    private long pos;

    private DeflateBlocks(byte[] in, int length) {
        this.in = in;
        this.length = length;
    }

    static Ends walk(byte[] in, int length) {
        return new DeflateBlocks(in, length).run();
    }

    private Ends run() {
        while (true) {
            long header = pos;
            boolean last = bits(1) == 1;
            int type = bits(2);
            if (type == 0) {
                pos = (pos + 7) & ~7L;
                int len = bits(16);
                bits(16);
                pos += len * 8L;
            } else if (type == 1) {
                codes(FIXED_LIT, FIXED_DIST);
            } else if (type == 2) {
                dynamic();
            } else {
                throw new IllegalStateException("invalid deflate block type at bit " + header);
            }
            if (last) {
                return new Ends(header, pos);
            }
        }
    }

    private void dynamic() {
        int hlit = bits(5) + 257;
        int hdist = bits(5) + 1;
        int hclen = bits(4) + 4;
        int[] clen = new int[19];
        for (int i = 0; i < hclen; i++) {
            clen[CLEN_ORDER[i]] = bits(3);
        }
        short[] clTable = table(clen, 19, scratch[2]);
        int[] lengths = new int[hlit + hdist];
        for (int i = 0; i < lengths.length; ) {
            int sym = decode(clTable);
            if (sym < 16) {
                lengths[i++] = sym;
            } else {
                int repeat = sym == 16 ? 3 + bits(2) : sym == 17 ? 3 + bits(3) : 11 + bits(7);
                int value = sym == 16 ? lengths[i - 1] : 0;
                for (int k = 0; k < repeat; k++) {
                    lengths[i++] = value;
                }
            }
        }
        int[] lit = java.util.Arrays.copyOf(lengths, hlit);
        int[] dist = java.util.Arrays.copyOfRange(lengths, hlit, hlit + hdist);
        codes(table(lit, hlit, scratch[0]), table(dist, hdist, scratch[1]));
    }

    private void codes(short[] lit, short[] dist) {
        while (true) {
            int sym = decode(lit);
            if (sym < 256) {
                continue;
            }
            if (sym == 256) {
                return;
            }
            pos += LENGTH_EXTRA[sym - 257];
            int distance = decode(dist);
            pos += DIST_EXTRA[distance];
        }
    }

    private int decode(short[] table) {
        int entry = table[peek15()];
        if (entry == 0) {
            throw new IllegalStateException("invalid Huffman code at bit " + pos);
        }
        pos += entry & 15;
        return entry >>> 4;
    }

    /** The next 15 bits, LSB first, zero past the end. */
    private int peek15() {
        int byteAt = (int) (pos >>> 3);
        long v = 0;
        for (int i = 0; i < 3; i++) {
            int at = byteAt + i;
            v |= (long) (at < length ? in[at] & 0xff : 0) << (8 * i);
        }
        return (int) ((v >>> (pos & 7)) & 0x7fff);
    }

    private int bits(int n) {
        int v = 0;
        for (int i = 0; i < n; i++) {
            int at = (int) (pos >>> 3);
            int bit = at < length ? (in[at] >>> (pos & 7)) & 1 : 0;
            v |= bit << i;
            pos++;
        }
        return v;
    }

    /** A 2^15-entry lookup by bit-reversed code: (symbol << 4) | code length; 0 for no code. */
    static short[] table(int[] lengths, int count) {
        return table(lengths, count, new short[1 << MAX_BITS]);
    }

    private static short[] table(int[] lengths, int count, short[] t) {
        java.util.Arrays.fill(t, (short) 0);
        int[] blCount = new int[MAX_BITS + 1];
        for (int i = 0; i < count; i++) {
            blCount[lengths[i]]++;
        }
        blCount[0] = 0;
        int[] next = new int[MAX_BITS + 1];
        int code = 0;
        for (int bits = 1; bits <= MAX_BITS; bits++) {
            code = (code + blCount[bits - 1]) << 1;
            next[bits] = code;
        }
        for (int sym = 0; sym < count; sym++) {
            int len = lengths[sym];
            if (len == 0) {
                continue;
            }
            int reversed = Integer.reverse(next[len]++) >>> (32 - len);
            short entry = (short) ((sym << 4) | len);
            for (int fill = reversed; fill < t.length; fill += 1 << len) {
                t[fill] = entry;
            }
        }
        return t;
    }

    private static int[] fixedLitLengths() {
        int[] l = new int[288];
        for (int i = 0; i < 288; i++) {
            l[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
        }
        return l;
    }

    private static int[] filled(int n, int value) {
        int[] l = new int[n];
        java.util.Arrays.fill(l, value);
        return l;
    }
}
