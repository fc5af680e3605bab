package io.pocketgrid.ledger.merkle;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Keccak-256 as Ethereum uses it (the original Keccak padding, not SHA3-256's).
 *
 * <p>An instance keeps its state between calls and allocates nothing while hashing; it is not
 * thread-safe. The permutation is unrolled over local variables, rho and pi done in place (see
 * {@code LedgerBench} for its speed beside BouncyCastle's {@code KeccakDigest}).
 */
public final class Keccak256 {

    /** Output length in bytes. */
    public static final int DIGEST_LENGTH = 32;
    private static final int RATE = 136;
    private static final int RATE_LANES = RATE / 8;
    private static final VarHandle LE_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long[] RC = {
        0x0000000000000001L, 0x0000000000008082L, 0x800000000000808aL, 0x8000000080008000L,
        0x000000000000808bL, 0x0000000080000001L, 0x8000000080008081L, 0x8000000000008009L,
        0x000000000000008aL, 0x0000000000000088L, 0x0000000080008009L, 0x000000008000000aL,
        0x000000008000808bL, 0x800000000000008bL, 0x8000000000008089L, 0x8000000000008003L,
        0x8000000000008002L, 0x8000000000000080L, 0x000000000000800aL, 0x800000008000000aL,
        0x8000000080008081L, 0x8000000000008080L, 0x0000000080000001L, 0x8000000080008008L,
    };

    private final long[] state = new long[25];
    private final byte[] block = new byte[RATE];
    private int blockLength;
    /** The one-shot methods leave the permuted state behind; streaming starts from a clean one. */
    private boolean stale;

    /** Absorbs {@code len} bytes of {@code in} from {@code off}. */
    public Keccak256 update(byte[] in, int off, int len) {
        if (stale) {
            reset();
        }
        int end = off + len;
        if (blockLength > 0) {
            int n = Math.min(RATE - blockLength, len);
            System.arraycopy(in, off, block, blockLength, n);
            blockLength += n;
            off += n;
            if (blockLength < RATE) {
                return this;
            }
            absorb(block, 0);
            blockLength = 0;
        }
        for (; end - off >= RATE; off += RATE) {
            absorb(in, off);
        }
        System.arraycopy(in, off, block, 0, end - off);
        blockLength = end - off;
        return this;
    }

    /** Absorbs all of {@code in}. */
    public Keccak256 update(byte[] in) {
        return update(in, 0, in.length);
    }

    /** Writes the 32-byte digest of everything absorbed to {@code out} at {@code outOff}; then resets. */
    public void digest(byte[] out, int outOff) {
        if (stale) {
            reset();
        }
        Arrays.fill(block, blockLength, RATE, (byte) 0);
        block[blockLength] ^= 0x01;
        block[RATE - 1] ^= (byte) 0x80;
        absorb(block, 0);
        squeeze(out, outOff);
        reset();
    }

    /** The digest of everything absorbed; then resets. */
    public byte[] digest() {
        byte[] out = new byte[DIGEST_LENGTH];
        digest(out, 0);
        return out;
    }

    /** Forgets everything absorbed. */
    public void reset() {
        Arrays.fill(state, 0);
        blockLength = 0;
        stale = false;
    }

    /**
     * Hashes {@code len} bytes of {@code in} from {@code off} into {@code out} at {@code outOff}, in one
     * call; {@code out} may overlap {@code in}. Discards anything absorbed before.
     */
    public void hash(byte[] in, int off, int len, byte[] out, int outOff) {
        reset();
        update(in, off, len);
        digest(out, outOff);
    }

    /**
     * Hashes {@code len < 136} bytes of {@code in} from {@code off} (one Keccak block) into {@code out} at
     * {@code outOff}, reading lanes straight from the input. Discards anything absorbed before.
     */
    public void hashShort(byte[] in, int off, int len, byte[] out, int outOff) {
        if (len >= RATE) {
            hash(in, off, len, out, outOff);
            return;
        }
        long[] s = state;
        Arrays.fill(s, 0);
        int lanes = len >>> 3;
        for (int i = 0; i < lanes; i++) {
            s[i] = (long) LE_LONG.get(in, off + 8 * i);
        }
        int tail = len & 7;
        long last = 0;
        for (int i = 0; i < tail; i++) {
            last |= (in[off + 8 * lanes + i] & 0xffL) << (8 * i);
        }
        s[lanes] = last ^ (0x01L << (8 * tail));
        s[RATE_LANES - 1] ^= 0x8000000000000000L;
        permute(s);
        squeeze(out, outOff);
        blockLength = 0;
        stale = true;
    }

    /**
     * Hashes the 64 bytes {@code first[32] || second[32]}, read from {@code src} at the two offsets, into
     * {@code out} at {@code outOff}: the node hash of a Merkle tree without copying the children.
     */
    public void hashPair(byte[] src, int firstOff, int secondOff, byte[] out, int outOff) {
        long[] s = state;
        for (int i = 0; i < 4; i++) {
            s[i] = (long) LE_LONG.get(src, firstOff + 8 * i);
            s[4 + i] = (long) LE_LONG.get(src, secondOff + 8 * i);
        }
        s[8] = 0x01L;
        for (int i = 9; i < 25; i++) {
            s[i] = 0;
        }
        s[RATE_LANES - 1] = 0x8000000000000000L;
        permute(s);
        squeeze(out, outOff);
        blockLength = 0;
        stale = true;
    }

    private void squeeze(byte[] out, int outOff) {
        for (int i = 0; i < 4; i++) {
            LE_LONG.set(out, outOff + 8 * i, state[i]);
        }
    }

    /** The Keccak-256 digest of {@code in} (allocates; for hot loops use an instance). */
    public static byte[] of(byte[] in) {
        return new Keccak256().update(in).digest();
    }

    private void absorb(byte[] in, int off) {
        long[] s = state;
        for (int i = 0; i < RATE_LANES; i++) {
            s[i] ^= (long) LE_LONG.get(in, off + 8 * i);
        }
        permute(s);
    }

    /** Keccak-f[1600] on {@code s} (modified in place). */
    static void permute(long[] s) {
        long a00 = s[0];
        long a01 = s[1];
        long a02 = s[2];
        long a03 = s[3];
        long a04 = s[4];
        long a05 = s[5];
        long a06 = s[6];
        long a07 = s[7];
        long a08 = s[8];
        long a09 = s[9];
        long a10 = s[10];
        long a11 = s[11];
        long a12 = s[12];
        long a13 = s[13];
        long a14 = s[14];
        long a15 = s[15];
        long a16 = s[16];
        long a17 = s[17];
        long a18 = s[18];
        long a19 = s[19];
        long a20 = s[20];
        long a21 = s[21];
        long a22 = s[22];
        long a23 = s[23];
        long a24 = s[24];
        for (int round = 0; round < 24; round++) {
            // theta
            long c0 = a00 ^ a05 ^ a10 ^ a15 ^ a20;
            long c1 = a01 ^ a06 ^ a11 ^ a16 ^ a21;
            long c2 = a02 ^ a07 ^ a12 ^ a17 ^ a22;
            long c3 = a03 ^ a08 ^ a13 ^ a18 ^ a23;
            long c4 = a04 ^ a09 ^ a14 ^ a19 ^ a24;
            long d0 = c4 ^ Long.rotateLeft(c1, 1);
            long d1 = c0 ^ Long.rotateLeft(c2, 1);
            long d2 = c1 ^ Long.rotateLeft(c3, 1);
            long d3 = c2 ^ Long.rotateLeft(c4, 1);
            long d4 = c3 ^ Long.rotateLeft(c0, 1);
            a00 ^= d0; a05 ^= d0; a10 ^= d0; a15 ^= d0; a20 ^= d0;
            a01 ^= d1; a06 ^= d1; a11 ^= d1; a16 ^= d1; a21 ^= d1;
            a02 ^= d2; a07 ^= d2; a12 ^= d2; a17 ^= d2; a22 ^= d2;
            a03 ^= d3; a08 ^= d3; a13 ^= d3; a18 ^= d3; a23 ^= d3;
            a04 ^= d4; a09 ^= d4; a14 ^= d4; a19 ^= d4; a24 ^= d4;
            // rho and pi, in place along the permutation's single cycle
            long t = a01;
            c0 = a10; a10 = Long.rotateLeft(t, 1); t = c0;
            c0 = a07; a07 = Long.rotateLeft(t, 3); t = c0;
            c0 = a11; a11 = Long.rotateLeft(t, 6); t = c0;
            c0 = a17; a17 = Long.rotateLeft(t, 10); t = c0;
            c0 = a18; a18 = Long.rotateLeft(t, 15); t = c0;
            c0 = a03; a03 = Long.rotateLeft(t, 21); t = c0;
            c0 = a05; a05 = Long.rotateLeft(t, 28); t = c0;
            c0 = a16; a16 = Long.rotateLeft(t, 36); t = c0;
            c0 = a08; a08 = Long.rotateLeft(t, 45); t = c0;
            c0 = a21; a21 = Long.rotateLeft(t, 55); t = c0;
            c0 = a24; a24 = Long.rotateLeft(t, 2); t = c0;
            c0 = a04; a04 = Long.rotateLeft(t, 14); t = c0;
            c0 = a15; a15 = Long.rotateLeft(t, 27); t = c0;
            c0 = a23; a23 = Long.rotateLeft(t, 41); t = c0;
            c0 = a19; a19 = Long.rotateLeft(t, 56); t = c0;
            c0 = a13; a13 = Long.rotateLeft(t, 8); t = c0;
            c0 = a12; a12 = Long.rotateLeft(t, 25); t = c0;
            c0 = a02; a02 = Long.rotateLeft(t, 43); t = c0;
            c0 = a20; a20 = Long.rotateLeft(t, 62); t = c0;
            c0 = a14; a14 = Long.rotateLeft(t, 18); t = c0;
            c0 = a22; a22 = Long.rotateLeft(t, 39); t = c0;
            c0 = a09; a09 = Long.rotateLeft(t, 61); t = c0;
            c0 = a06; a06 = Long.rotateLeft(t, 20); t = c0;
            c0 = a01; a01 = Long.rotateLeft(t, 44); t = c0;
            // chi, row by row
            c0 = a00; c1 = a01;
            a00 ^= ~c1 & a02; a01 ^= ~a02 & a03; a02 ^= ~a03 & a04; a03 ^= ~a04 & c0; a04 ^= ~c0 & c1;
            c0 = a05; c1 = a06;
            a05 ^= ~c1 & a07; a06 ^= ~a07 & a08; a07 ^= ~a08 & a09; a08 ^= ~a09 & c0; a09 ^= ~c0 & c1;
            c0 = a10; c1 = a11;
            a10 ^= ~c1 & a12; a11 ^= ~a12 & a13; a12 ^= ~a13 & a14; a13 ^= ~a14 & c0; a14 ^= ~c0 & c1;
            c0 = a15; c1 = a16;
            a15 ^= ~c1 & a17; a16 ^= ~a17 & a18; a17 ^= ~a18 & a19; a18 ^= ~a19 & c0; a19 ^= ~c0 & c1;
            c0 = a20; c1 = a21;
            a20 ^= ~c1 & a22; a21 ^= ~a22 & a23; a22 ^= ~a23 & a24; a23 ^= ~a24 & c0; a24 ^= ~c0 & c1;
            // iota
            a00 ^= RC[round];
        }

        s[0] = a00;
        s[1] = a01;
        s[2] = a02;
        s[3] = a03;
        s[4] = a04;
        s[5] = a05;
        s[6] = a06;
        s[7] = a07;
        s[8] = a08;
        s[9] = a09;
        s[10] = a10;
        s[11] = a11;
        s[12] = a12;
        s[13] = a13;
        s[14] = a14;
        s[15] = a15;
        s[16] = a16;
        s[17] = a17;
        s[18] = a18;
        s[19] = a19;
        s[20] = a20;
        s[21] = a21;
        s[22] = a22;
        s[23] = a23;
        s[24] = a24;
    }
}
