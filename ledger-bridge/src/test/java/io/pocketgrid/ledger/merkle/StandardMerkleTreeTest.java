package io.pocketgrid.ledger.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StandardMerkleTreeTest {

    @Test
    void rootsAndProofsEqualOpenZeppelinJavaScriptForSmallTrees() throws Exception {
        for (int n : new int[] {1, 2, 3, 4, 5, 7, 8, 9, 16, 33}) {
            List<Leaf> leaves = TestLeaves.random(n, n);
            List<Integer> all = IntStream.range(0, n).boxed().toList();
            OpenZeppelinReference.Result expected = OpenZeppelinReference.compute(leaves, all);

            StandardMerkleTree tree = StandardMerkleTree.of(leaves);

            assertThat(tree.root()).as("root of %d leaves", n).isEqualTo(expected.root());
            for (int i : all) {
                assertThat(tree.proof(i)).as("proof %d of %d", i, n).isEqualTo(expected.proofs().get(i));
            }
        }
    }

    @Test
    void rootEqualsOpenZeppelinJavaScriptWithDuplicatesAndExtremeAmounts() throws Exception {
        List<Leaf> leaves = new ArrayList<>(TestLeaves.random(1500, 42));
        leaves.add(leaves.get(10));
        leaves.add(leaves.get(10));
        leaves.add(new Leaf(Bytes32.ZERO, EthAddress.ZERO, BigInteger.ZERO));
        leaves.add(new Leaf(Bytes32.fromHex("ff".repeat(32)), EthAddress.fromHex("ff".repeat(20)),
                BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE)));
        OpenZeppelinReference.Result expected = OpenZeppelinReference.compute(leaves, List.of(0, 10, 1500, 1501, 1503));

        StandardMerkleTree tree = StandardMerkleTree.of(leaves);

        assertThat(tree.root()).isEqualTo(expected.root());
        for (int i : expected.proofs().keySet()) {
            assertThat(tree.proof(i)).as("proof %d", i).isEqualTo(expected.proofs().get(i));
        }
    }

    @Test
    void everyProofVerifies() {
        List<Leaf> leaves = TestLeaves.random(1000, 5);
        StandardMerkleTree tree = StandardMerkleTree.of(leaves);
        for (int i = 0; i < leaves.size(); i++) {
            assertThat(StandardMerkleTree.verify(tree.root(), leaves.get(i), tree.proof(i))).isTrue();
        }
    }

    @Test
    void rejectsWrongAmountPayoutOrProof() {
        List<Leaf> leaves = TestLeaves.random(64, 9);
        StandardMerkleTree tree = StandardMerkleTree.of(leaves);
        Leaf leaf = leaves.get(3);
        List<Bytes32> proof = tree.proof(3);

        Leaf moreCredit = new Leaf(leaf.accountId(), leaf.payout(), leaf.amount().add(BigInteger.ONE));
        Leaf otherPayout = new Leaf(leaf.accountId(), EthAddress.fromHex("01".repeat(20)), leaf.amount());
        List<Bytes32> forged = new ArrayList<>(proof);
        forged.set(2, Bytes32.fromHex("02".repeat(32)));

        assertThat(StandardMerkleTree.verify(tree.root(), moreCredit, proof)).isFalse();
        assertThat(StandardMerkleTree.verify(tree.root(), otherPayout, proof)).isFalse();
        assertThat(StandardMerkleTree.verify(tree.root(), leaf, forged)).isFalse();
        assertThat(StandardMerkleTree.verify(tree.root(), leaf, tree.proof(4))).isFalse();
    }

    @Test
    void findsLeafByAccountId() {
        List<Leaf> leaves = TestLeaves.random(50, 11);
        StandardMerkleTree tree = StandardMerkleTree.of(leaves);
        assertThat(tree.indexOf(leaves.get(17).accountId())).hasValue(17);
        assertThat(tree.indexOf(Bytes32.fromHex("03".repeat(32)))).isEmpty();
    }

    @Test
    void singleLeafIsItsOwnRootWithEmptyProof() {
        Leaf leaf = TestLeaves.random(1, 1).getFirst();
        StandardMerkleTree tree = StandardMerkleTree.of(List.of(leaf));
        assertThat(tree.root()).isEqualTo(StandardMerkleTree.leafHash(leaf));
        assertThat(tree.proof(0)).isEmpty();
    }

    @Test
    void refusesEmptyTree() {
        assertThatThrownBy(() -> StandardMerkleTree.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
