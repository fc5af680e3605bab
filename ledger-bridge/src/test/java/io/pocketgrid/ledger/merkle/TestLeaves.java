package io.pocketgrid.ledger.merkle;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Deterministic random leaves for tests and benchmarks. */
public final class TestLeaves {
    private TestLeaves() {
    }

    /** {@code n} leaves with random ids, payout addresses (every seventh zero) and amounts. */
    public static List<Leaf> random(int n, long seed) {
        Random random = new Random(seed);
        List<Leaf> leaves = new ArrayList<>(n);
        byte[] id = new byte[32];
        byte[] address = new byte[20];
        for (int i = 0; i < n; i++) {
            random.nextBytes(id);
            random.nextBytes(address);
            EthAddress payout = i % 7 == 3 ? EthAddress.ZERO : EthAddress.of(address);
            leaves.add(new Leaf(Bytes32.of(id), payout, new BigInteger(1 + random.nextInt(80), random)));
        }
        return leaves;
    }
}
