package io.pocketgrid.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pocketgrid.ledger.CommitResult.Status;
import io.pocketgrid.ledger.chain.AnvilNode;
import io.pocketgrid.ledger.chain.ChainClient;
import io.pocketgrid.ledger.chain.ChainProperties;
import io.pocketgrid.ledger.chain.ContractRevertException;
import io.pocketgrid.ledger.contract.LedgerContract;
import io.pocketgrid.ledger.merkle.Bytes32;
import io.pocketgrid.ledger.merkle.EthAddress;
import io.pocketgrid.ledger.merkle.Leaf;
import io.pocketgrid.ledger.merkle.StandardMerkleTree;
import io.pocketgrid.ledger.merkle.TestLeaves;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.http.HttpService;

class LedgerIT {

    private static AnvilNode anvil;
    private ChainProperties properties;
    private Deployment deployment;
    private LedgerClient ledger;

    @BeforeAll
    static void startAnvil() {
        anvil = AnvilNode.start();
    }

    @AfterAll
    static void stopAnvil() {
        anvil.close();
    }

    @BeforeEach
    void deploy() {
        deployment = LedgerClient.deploy(TestChain.properties(anvil), TestChain.OWNER, DeployOptions.localChain());
        properties = TestChain.properties(anvil).withContractAddress(deployment.ledgerAddress());
        ledger = LedgerClient.connect(properties, TestChain.OWNER);
    }

    @AfterEach
    void close() {
        ledger.close();
    }

    @Test
    void commitsSeveralEpochsWhoseProofsAllVerifyInJavaAndOnChain() {
        List<StandardMerkleTree> trees = new ArrayList<>();
        List<Leaf> leaves = TestLeaves.random(40, 1);
        for (long epoch = 1; epoch <= 3; epoch++) {
            leaves = grow(leaves, epoch);
            StandardMerkleTree tree = StandardMerkleTree.of(leaves);
            trees.add(tree);
            CommitResult result = ledger.commitEpoch(EpochCommitment.of(epoch, tree));
            assertThat(result.status()).isEqualTo(Status.COMMITTED);
            assertThat(result.gasUsed()).isPositive();
        }

        LedgerContract contract = ledger.contract();
        assertThat(contract.lastEpoch()).isEqualTo(3);
        assertThat(contract.lastLeafCount()).isEqualTo(40);
        assertThat(contract.epochTotal(3)).contains(EpochCommitment.of(3, trees.get(2)).total());
        assertThat(contract.epochTotal(1)).isEmpty();
        assertThat(contract.epochRoot(4)).isEmpty();
        for (int e = 1; e <= 3; e++) {
            StandardMerkleTree tree = trees.get(e - 1);
            assertThat(contract.epochRoot(e)).contains(tree.root());
            LedgerContract.EpochRecord record = contract.epochRecord(e, deployment.blockNumber()).orElseThrow();
            assertThat(record.commitment()).isEqualTo(EpochCommitment.of(e, tree));
            for (int i = 0; i < tree.size(); i++) {
                Leaf leaf = tree.leaf(i);
                List<Bytes32> proof = tree.proof(i);
                assertThat(StandardMerkleTree.verify(tree.root(), leaf, proof)).isTrue();
                assertThat(contract.verify(e, leaf, proof)).as("epoch %d leaf %d on chain", e, i).isTrue();
            }
        }
        Leaf old = trees.get(0).leaf(5);
        assertThat(contract.verify(3, old, trees.get(0).proof(5))).as("epoch 1 leaf against epoch 3").isFalse();
    }

    @Test
    void claimsPayExactlyTheCumulativeAmountOnce() {
        List<Leaf> leaves = TestLeaves.random(20, 2);
        Leaf first = withAmount(leaves.get(0), 100);
        leaves.set(0, first);
        StandardMerkleTree tree1 = StandardMerkleTree.of(leaves);
        ledger.commitEpoch(EpochCommitment.of(1, tree1));
        BigInteger rate = ledger.contract().rate();

        try (LedgerClient stranger = LedgerClient.connect(properties, TestChain.OTHER)) {
            ClaimResult claim = stranger.claim(first, tree1.proof(0));
            assertThat(claim.credit()).isEqualTo(100);
            assertThat(claim.tokens()).isEqualTo(rate.multiply(BigInteger.valueOf(100)));
            assertThat(balance(first.payout())).isEqualTo(rate.multiply(BigInteger.valueOf(100)));
            assertRevert(() -> stranger.claim(first, tree1.proof(0)), "NothingToClaim");

            Leaf later = withAmount(first, 250);
            leaves.set(0, later);
            StandardMerkleTree tree2 = StandardMerkleTree.of(leaves);
            ledger.commitEpoch(EpochCommitment.of(2, tree2));
            assertRevert(() -> stranger.claim(first, tree1.proof(0)), "InvalidProof");

            ClaimResult second = stranger.claim(later, tree2.proof(0));
            assertThat(second.credit()).isEqualTo(150);
            assertThat(balance(first.payout())).isEqualTo(rate.multiply(BigInteger.valueOf(250)));
            assertThat(ledger.claimed(first.accountId())).isEqualTo(250);
            assertRevert(() -> stranger.claim(later, tree2.proof(0)), "NothingToClaim");
        }
    }

    @Test
    void rejectsForgedProofWrongAmountAndMissingPayout() {
        List<Leaf> leaves = TestLeaves.random(30, 3);
        StandardMerkleTree tree = StandardMerkleTree.of(leaves);
        ledger.commitEpoch(EpochCommitment.of(7, tree));
        Leaf leaf = leaves.get(1);
        List<Bytes32> proof = tree.proof(1);

        List<Bytes32> forged = new ArrayList<>(proof);
        forged.set(0, Bytes32.fromHex("aa".repeat(32)));
        assertRevert(() -> ledger.claim(leaf, forged), "InvalidProof");
        assertRevert(() -> ledger.claim(withAmount(leaf, leaf.amount().longValueExact() + 1), proof), "InvalidProof");
        Leaf noPayout = leaves.get(3);
        assertThat(noPayout.payout().isZero()).isTrue();
        assertRevert(() -> ledger.claim(noPayout, tree.proof(3)), "NoPayoutAddress");
        assertThat(ledger.claimed(leaf.accountId())).isZero();
    }

    @Test
    void onlyTheOwnerCommitsAndEpochsStrictlyIncrease() {
        StandardMerkleTree tree = StandardMerkleTree.of(TestLeaves.random(5, 4));
        try (ChainClient other = LedgerClient.chainClient(properties, TestChain.OTHER)) {
            String data = ledger.contract().encodeCommitEpoch(EpochCommitment.of(1, tree));
            assertRevert(() -> other.send(deployment.ledgerAddress(), data), "OwnableUnauthorizedAccount");
        }
        ledger.commitEpoch(EpochCommitment.of(5, tree));
        StandardMerkleTree other = StandardMerkleTree.of(TestLeaves.random(5, 5));
        assertThatThrownBy(() -> ledger.commitEpoch(EpochCommitment.of(5, other)))
                .isInstanceOf(EpochConflictException.class);
        assertThatThrownBy(() -> ledger.commitEpoch(EpochCommitment.of(4, other)))
                .isInstanceOf(EpochConflictException.class);
        String stale = ledger.contract().encodeCommitEpoch(EpochCommitment.of(5, other));
        assertRevert(() -> ledger.chain().send(deployment.ledgerAddress(), stale), "EpochNotIncreasing");
    }

    @Test
    void committingAnEpochAgainFromARestartedClientIsANoOp() {
        EpochCommitment commitment = EpochCommitment.of(1, StandardMerkleTree.of(TestLeaves.random(10, 6)));
        try (LedgerClient dying = LedgerClient.connect(properties, TestChain.OWNER)) {
            dying.chain().send(deployment.ledgerAddress(), dying.contract().encodeCommitEpoch(commitment));
        }
        try (LedgerClient restarted = LedgerClient.connect(properties, TestChain.OWNER)) {
            assertThat(restarted.commitEpoch(commitment).status()).isEqualTo(Status.ALREADY_COMMITTED);
            assertThat(restarted.commitEpoch(commitment).status()).isEqualTo(Status.ALREADY_COMMITTED);
        }
        assertThat(ledger.contract().epochRecords(1, deployment.blockNumber())).hasSize(1);
    }

    @Test
    void restartedClientWaitsForTheDeadProcessesPendingCommitInsteadOfSendingAnother() throws Exception {
        EpochCommitment commitment = EpochCommitment.of(1, StandardMerkleTree.of(TestLeaves.random(10, 7)));
        HttpService rpc = new HttpService(anvil.rpcUrl());
        AnvilRpc.setAutomine(rpc, false);
        try {
            try (LedgerClient dying = LedgerClient.connect(properties, TestChain.OWNER)) {
                dying.chain().send(deployment.ledgerAddress(), dying.contract().encodeCommitEpoch(commitment));
            }
            CompletableFuture<CommitResult> restarted = CompletableFuture.supplyAsync(() -> {
                try (LedgerClient client = LedgerClient.connect(properties, TestChain.OWNER)) {
                    return client.commitEpoch(commitment);
                }
            });
            Thread.sleep(1000);
            assertThat(restarted).isNotDone();
            AnvilRpc.mine(rpc, 1);
            assertThat(restarted.get().status()).isEqualTo(Status.ALREADY_COMMITTED);
        } finally {
            AnvilRpc.setAutomine(rpc, true);
        }
        assertThat(ledger.contract().epochRecords(1, deployment.blockNumber())).hasSize(1);
        assertThat(ledger.contract().lastEpoch()).isEqualTo(1);
    }

    @Test
    void waitsForTheConfiguredConfirmations() throws Exception {
        HttpService rpc = new HttpService(anvil.rpcUrl());
        EpochCommitment commitment = EpochCommitment.of(1, StandardMerkleTree.of(TestLeaves.random(3, 8)));
        try (LedgerClient careful = LedgerClient.connect(properties.withConfirmations(3), TestChain.OWNER)) {
            CompletableFuture<CommitResult> commit = CompletableFuture.supplyAsync(() -> careful.commitEpoch(commitment));
            Thread.sleep(800);
            assertThat(commit).as("one block, three confirmations needed").isNotDone();
            AnvilRpc.mine(rpc, 1);
            Thread.sleep(400);
            assertThat(commit).isNotDone();
            AnvilRpc.mine(rpc, 1);
            CommitResult result = commit.get();
            assertThat(result.status()).isEqualTo(Status.COMMITTED);
            assertThat(careful.chain().blockNumber()).isGreaterThanOrEqualTo(result.blockNumber() + 2);
        }
    }

    @Test
    void rootRecomputedFromThePublishedExportMatchesTheChain() {
        StandardMerkleTree tree = StandardMerkleTree.of(TestLeaves.random(300, 9));
        ledger.commitEpoch(EpochCommitment.of(12, tree));
        String csv = LeafExport.toCsv(tree.leaves());

        StandardMerkleTree recomputed = StandardMerkleTree.of(LeafExport.parse(csv));

        assertThat(ledger.contract().epochRoot(12)).contains(recomputed.root());
        LedgerContract.EpochRecord record = ledger.contract().epochRecord(12, deployment.blockNumber()).orElseThrow();
        assertThat(record.commitment().exportHash()).isEqualTo(LeafExport.hash(csv.getBytes()));
    }

    private BigInteger balance(EthAddress address) {
        return ledger.token().balanceOf(address.toHex());
    }

    private static List<Leaf> grow(List<Leaf> leaves, long epoch) {
        List<Leaf> grown = new ArrayList<>();
        for (int i = 0; i < leaves.size(); i++) {
            Leaf l = leaves.get(i);
            grown.add(new Leaf(l.accountId(), l.payout(), l.amount().add(BigInteger.valueOf(epoch * (i % 5)))));
        }
        return grown;
    }

    private static Leaf withAmount(Leaf leaf, long amount) {
        return new Leaf(leaf.accountId(), leaf.payout().isZero() ? EthAddress.fromHex("11".repeat(20)) : leaf.payout(),
                BigInteger.valueOf(amount));
    }

    private static void assertRevert(Runnable call, String error) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ContractRevertException.class,
                e -> assertThat(e.errorName()).contains(error));
    }
}
