package io.pocketgrid.ledger.merkle;

import java.util.Arrays;
import java.util.HexFormat;

/** An immutable 32-byte value: an account id, a hash, a Merkle root or proof element. */
public final class Bytes32 implements Comparable<Bytes32> {

    /** All zero bytes. */
    public static final Bytes32 ZERO = new Bytes32(new byte[32]);

    private final byte[] bytes;

    private Bytes32(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A copy of exactly 32 bytes. */
    public static Bytes32 of(byte[] bytes) {
        if (bytes.length != 32) {
            throw new IllegalArgumentException("expected 32 bytes, got " + bytes.length);
        }
        return new Bytes32(bytes.clone());
    }

    /** The 32 bytes of {@code src} from {@code off}. */
    public static Bytes32 copyOf(byte[] src, int off) {
        return new Bytes32(Arrays.copyOfRange(src, off, off + 32));
    }

    /** Parses 64 hex digits, with or without {@code 0x}. */
    public static Bytes32 fromHex(String hex) {
        String digits = Hex.strip(hex);
        if (digits.length() != 64) {
            throw new IllegalArgumentException("expected 64 hex digits: " + hex);
        }
        return new Bytes32(HexFormat.of().parseHex(digits));
    }

    /** A copy of the bytes. */
    public byte[] toArray() {
        return bytes.clone();
    }

    /** Copies the bytes into {@code dst} at {@code off}. */
    public void copyTo(byte[] dst, int off) {
        System.arraycopy(bytes, 0, dst, off, 32);
    }

    /** {@code 0x} and 64 lower-case hex digits. */
    public String toHex() {
        return "0x" + HexFormat.of().formatHex(bytes);
    }

    /** Unsigned lexicographic order, the order of {@code bytes32} values on chain. */
    @Override
    public int compareTo(Bytes32 other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes32 other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return toHex();
    }
}
