package io.pocketgrid.ledger.merkle;

import org.bouncycastle.crypto.digests.KeccakDigest;

/**
 * Keccak-256 as Ethereum uses it (the original Keccak padding, not SHA3-256's), on BouncyCastle's
 * {@link KeccakDigest} — the implementation web3j's {@code Hash.sha3} runs, so the module has one
 * Keccak. This class only gives it the shapes the Merkle tree and the exports need: streaming, one
 * short block, and a pair of 32-byte children read in place.
 *
 * <p>An instance keeps its state between calls and allocates nothing while hashing; it is not
 * thread-safe. (Until issue 15 this was a hand-unrolled permutation: ~1.3× faster per 96-byte leaf,
 * 415–480 against 555–614 ns on a loaded 2-core VM — a tenth of a second on an epoch of a million
 * leaves, not worth a second implementation of a hash function.)
 */
public final class Keccak256 {

    /** Output length in bytes. */
    public static final int DIGEST_LENGTH = 32;
    private static final int CHILD = 32;

    private final KeccakDigest keccak = new KeccakDigest(256);

    /** Absorbs {@code len} bytes of {@code in} from {@code off}. */
    public Keccak256 update(byte[] in, int off, int len) {
        keccak.update(in, off, len);
        return this;
    }

    /** Absorbs all of {@code in}. */
    public Keccak256 update(byte[] in) {
        return update(in, 0, in.length);
    }

    /** Writes the 32-byte digest of everything absorbed to {@code out} at {@code outOff}; then resets. */
    public void digest(byte[] out, int outOff) {
        keccak.doFinal(out, outOff);
    }

    /** The digest of everything absorbed; then resets. */
    public byte[] digest() {
        byte[] out = new byte[DIGEST_LENGTH];
        digest(out, 0);
        return out;
    }

    /** Forgets everything absorbed. */
    public void reset() {
        keccak.reset();
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

    /** As {@link #hash}: a name kept for the tree's leaf hashes (one Keccak block of input). */
    public void hashShort(byte[] in, int off, int len, byte[] out, int outOff) {
        hash(in, off, len, out, outOff);
    }

    /**
     * Hashes the 64 bytes {@code first[32] || second[32]}, read from {@code src} at the two offsets, into
     * {@code out} at {@code outOff}: the node hash of a Merkle tree without copying the children.
     */
    public void hashPair(byte[] src, int firstOff, int secondOff, byte[] out, int outOff) {
        reset();
        keccak.update(src, firstOff, CHILD);
        keccak.update(src, secondOff, CHILD);
        keccak.doFinal(out, outOff);
    }

    /** The Keccak-256 digest of {@code in} (allocates; for hot loops use an instance). */
    public static byte[] of(byte[] in) {
        return new Keccak256().update(in).digest();
    }
}
