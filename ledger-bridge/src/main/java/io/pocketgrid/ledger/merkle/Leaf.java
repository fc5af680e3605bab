package io.pocketgrid.ledger.merkle;

import java.math.BigInteger;
import java.util.Objects;

/**
 * One account's leaf: its id, payout address (or {@link EthAddress#ZERO}) and cumulative credit in
 * micro-credits, ABI-encoded as {@code (bytes32, address, uint256)}.
 */
public record Leaf(Bytes32 accountId, EthAddress payout, BigInteger amount) {

    private static final BigInteger UINT256_LIMIT = BigInteger.ONE.shiftLeft(256);

    public Leaf {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(payout, "payout");
        if (amount.signum() < 0 || amount.compareTo(UINT256_LIMIT) >= 0) {
            throw new IllegalArgumentException("amount is not a uint256: " + amount);
        }
    }

    /** A leaf from hex strings. */
    public static Leaf of(String accountIdHex, String payoutHex, BigInteger amount) {
        return new Leaf(Bytes32.fromHex(accountIdHex), EthAddress.fromHex(payoutHex), amount);
    }

    /** Writes {@code abi.encode(accountId, payout, amount)} (96 bytes) into {@code dst} at {@code off}. */
    public void encodeTo(byte[] dst, int off) {
        accountId.copyTo(dst, off);
        java.util.Arrays.fill(dst, off + 32, off + 44, (byte) 0);
        payout.copyTo(dst, off + 44);
        byte[] magnitude = amount.toByteArray();
        int len = Math.min(magnitude.length, 32);
        java.util.Arrays.fill(dst, off + 64, off + 96 - len, (byte) 0);
        System.arraycopy(magnitude, magnitude.length - len, dst, off + 96 - len, len);
    }
}
