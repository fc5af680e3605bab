package io.pocketgrid.ledger.bench;

import io.pocketgrid.ledger.CommitResult;
import io.pocketgrid.ledger.DeployOptions;
import io.pocketgrid.ledger.Deployment;
import io.pocketgrid.ledger.EpochCommitment;
import io.pocketgrid.ledger.LedgerClient;
import io.pocketgrid.ledger.TestChain;
import io.pocketgrid.ledger.chain.AnvilNode;
import io.pocketgrid.ledger.chain.ChainProperties;
import io.pocketgrid.ledger.merkle.EthAddress;
import io.pocketgrid.ledger.merkle.Keccak256;
import io.pocketgrid.ledger.merkle.Leaf;
import io.pocketgrid.ledger.merkle.StandardMerkleTree;
import io.pocketgrid.ledger.merkle.TestLeaves;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.crypto.digests.KeccakDigest;

/**
 * Prints gas of the ledger's transactions and Merkle build times; asserts nothing.
 *
 * <p>{@code ./mvnw -q -pl ledger-bridge test-compile exec:java@bench}
 */
public final class LedgerBench {

    private static final int MILLION = 1_000_000;

    private LedgerBench() {
    }

    /** Arguments: {@code merkle}, {@code gas}, both comma-separated, or none for both. */
    public static void main(String[] args) {
        List<String> parts = args.length == 0 ? List.of("merkle", "gas") : List.of(String.join(",", args).split(","));
        List<Leaf> million = TestLeaves.random(MILLION, 2024);
        if (parts.contains("merkle")) {
            merkle(million);
        }
        if (parts.contains("gas")) {
            System.out.println("== Gas on anvil 1.7.1 (hardfork " + AnvilNode.HARDFORK + ") ==");
            gas(million);
        }
    }

    private static void merkle(List<Leaf> million) {
        System.out.println("== Keccak-256, 64-byte inputs, one thread ==");
        keccak();
        System.out.println("== Merkle build (StandardMerkleTree.of, one thread, leaves already in memory) ==");
        for (int warm = 0; warm < 3; warm++) {
            StandardMerkleTree.of(million.subList(0, 100_000));
        }
        for (int n : new int[] {10_000, 100_000, MILLION}) {
            List<Leaf> leaves = million.subList(0, n);
            long best = Long.MAX_VALUE;
            for (int run = 0; run < (n == MILLION ? 3 : 5); run++) {
                long t0 = System.nanoTime();
                StandardMerkleTree.of(leaves);
                best = Math.min(best, System.nanoTime() - t0);
            }
            System.out.printf("  %,9d leaves: %8.1f ms (best of runs)%n", n, best / 1e6);
        }
    }

    private static void keccak() {
        byte[] data = new byte[64 * 1024];
        new java.util.Random(1).nextBytes(data);
        byte[] out = new byte[32];
        Keccak256 ours = new Keccak256();
        KeccakDigest bc = new KeccakDigest(256);
        long bestOurs = Long.MAX_VALUE;
        long bestBc = Long.MAX_VALUE;
        for (int round = 0; round < 8; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < MILLION; i++) {
                ours.hashPair(data, (i & 1023) * 32, ((i + 1) & 1023) * 32, out, 0);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < MILLION; i++) {
                bc.update(data, (i & 1023) * 32, 64);
                bc.doFinal(out, 0);
            }
            long t2 = System.nanoTime();
            bestOurs = Math.min(bestOurs, t1 - t0);
            bestBc = Math.min(bestBc, t2 - t1);
        }
        System.out.printf("  Keccak256 (this module): %5.0f ns/hash; BouncyCastle KeccakDigest (web3j Hash.sha3): %5.0f ns/hash"
                + " (best of 8 x 10^6)%n", bestOurs / (double) MILLION, bestBc / (double) MILLION);
    }

    private static void gas(List<Leaf> million) {
        try (AnvilNode anvil = AnvilNode.start()) {
            Deployment deployment = LedgerClient.deploy(TestChain.properties(anvil), TestChain.OWNER,
                    DeployOptions.localChain());
            ChainProperties properties = TestChain.properties(anvil).withContractAddress(deployment.ledgerAddress());
            try (LedgerClient ledger = LedgerClient.connect(properties, TestChain.OWNER);
                    LedgerClient claimer = LedgerClient.connect(properties, TestChain.OTHER)) {
                List<Leaf> leaves = new ArrayList<>(million);
                // Accounts 0 and 1: random payout addresses that never held tokens; account 2 pays out to
                // account 1's address, which holds tokens by the time it claims.
                for (int i = 0; i < 3; i++) {
                    Leaf l = leaves.get(i);
                    byte[] hash = Keccak256.of(new byte[] {(byte) Math.min(i, 1)});
                    EthAddress payout = EthAddress.of(java.util.Arrays.copyOfRange(hash, 12, 32));
                    leaves.set(i, new Leaf(l.accountId(), payout, BigInteger.valueOf(1_000_000L + i)));
                }
                StandardMerkleTree tree1 = StandardMerkleTree.of(leaves);
                CommitResult first = ledger.commitEpoch(EpochCommitment.of(1, tree1));
                leaves.set(0, bump(leaves.get(0)));
                StandardMerkleTree tree2 = StandardMerkleTree.of(leaves);
                CommitResult second = ledger.commitEpoch(EpochCommitment.of(2, tree2));
                System.out.printf("  deploy: ledger block %d%n", deployment.blockNumber());
                System.out.printf("  commitEpoch, first epoch:          %,7d gas%n", first.gasUsed());
                System.out.printf("  commitEpoch, later epoch:          %,7d gas%n", second.gasUsed());

                int depth = tree2.proof(0).size();
                var claimA = claimer.claim(tree2.leaf(0), tree2.proof(0));
                var claimB = claimer.claim(tree2.leaf(1), tree2.proof(1));
                var claimC = claimer.claim(tree2.leaf(2), tree2.proof(2));
                leaves.set(0, bump(leaves.get(0)));
                StandardMerkleTree tree3 = StandardMerkleTree.of(leaves);
                CommitResult third = ledger.commitEpoch(EpochCommitment.of(3, tree3));
                var laterA = claimer.claim(tree3.leaf(0), tree3.proof(0));
                System.out.printf("  commitEpoch, third epoch:          %,7d gas%n", third.gasUsed());
                System.out.printf("  claim (10^6 leaves, %d-element proofs):%n", depth);
                System.out.printf("    first claim, payout never held tokens:   %,7d gas%n", claimA.gasUsed());
                System.out.printf("    first claim, payout never held tokens:   %,7d gas (second account)%n", claimB.gasUsed());
                System.out.printf("    first claim, payout already holds tokens: %,7d gas%n", claimC.gasUsed());
                System.out.printf("    later claim, same account:               %,7d gas%n", laterA.gasUsed());
            }
        }
    }

    private static Leaf bump(Leaf leaf) {
        return new Leaf(leaf.accountId(), leaf.payout(), leaf.amount().add(BigInteger.valueOf(500)));
    }
}
