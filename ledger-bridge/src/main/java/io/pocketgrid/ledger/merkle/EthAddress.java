package io.pocketgrid.ledger.merkle;

import java.util.Arrays;
import java.util.HexFormat;

/** An immutable 20-byte EVM address; {@link #ZERO} stands for "no payout address yet". */
public final class EthAddress {

    /** The zero address. */
    public static final EthAddress ZERO = new EthAddress(new byte[20]);

    private final byte[] bytes;

    private EthAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A copy of exactly 20 bytes. */
    public static EthAddress of(byte[] bytes) {
        if (bytes.length != 20) {
            throw new IllegalArgumentException("expected 20 bytes, got " + bytes.length);
        }
        return new EthAddress(bytes.clone());
    }

    /** Parses 40 hex digits in any case (checksums are not checked), with or without {@code 0x}. */
    public static EthAddress fromHex(String hex) {
        String digits = Hex.strip(hex);
        if (digits.length() != 40) {
            throw new IllegalArgumentException("expected 40 hex digits: " + hex);
        }
        return new EthAddress(HexFormat.of().parseHex(digits));
    }

    public boolean isZero() {
        return equals(ZERO);
    }

    /** A copy of the bytes. */
    public byte[] toArray() {
        return bytes.clone();
    }

    /** Copies the bytes into {@code dst} at {@code off}. */
    public void copyTo(byte[] dst, int off) {
        System.arraycopy(bytes, 0, dst, off, 20);
    }

    /** {@code 0x} and 40 lower-case hex digits. */
    public String toHex() {
        return "0x" + HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EthAddress other && Arrays.equals(bytes, other.bytes);
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
