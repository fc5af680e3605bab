package io.pocketgrid.ledger;

import io.pocketgrid.ledger.merkle.Bytes32;
import io.pocketgrid.ledger.merkle.Leaf;
import io.pocketgrid.ledger.merkle.StandardMerkleTree;
import java.math.BigInteger;
import java.util.Objects;

/**
 * What {@code commitEpoch} writes for one epoch.
 *
 * @param epoch the epoch number (positive, strictly increasing on chain)
 * @param root the Merkle root of the epoch's leaves
 * @param total the sum of the leaves' amounts (micro-credits)
 * @param leafCount the number of leaves
 * @param exportHash Keccak-256 of the epoch's canonical leaf export ({@link LeafExport#hash})
 */
public record EpochCommitment(long epoch, Bytes32 root, BigInteger total, long leafCount, Bytes32 exportHash) {

    public EpochCommitment {
        if (epoch <= 0) {
            throw new IllegalArgumentException("epoch numbers start at 1");
        }
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(total, "total");
        Objects.requireNonNull(exportHash, "exportHash");
    }

    /** The commitment of {@code tree} as epoch {@code epoch}, with the hash of its canonical CSV export. */
    public static EpochCommitment of(long epoch, StandardMerkleTree tree) {
        BigInteger total = BigInteger.ZERO;
        for (Leaf leaf : tree.leaves()) {
            total = total.add(leaf.amount());
        }
        return new EpochCommitment(epoch, tree.root(), total, tree.size(), LeafExport.hash(tree.leaves()));
    }
}
