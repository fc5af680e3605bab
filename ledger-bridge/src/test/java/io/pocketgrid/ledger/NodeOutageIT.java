package io.pocketgrid.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.ledger.CommitResult.Status;
import io.pocketgrid.ledger.chain.AnvilNode;
import io.pocketgrid.ledger.chain.ChainProperties;
import io.pocketgrid.ledger.merkle.StandardMerkleTree;
import io.pocketgrid.ledger.merkle.TestLeaves;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeOutageIT {

    @TempDir
    Path dir;

    @Test
    void commitRetriesWithBackoffWhileTheNodeIsDownAndCommitsWhenItIsBack() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Path state = dir.resolve("anvil-state.json");
        EpochCommitment first = EpochCommitment.of(1, StandardMerkleTree.of(TestLeaves.random(50, 31)));
        EpochCommitment second = EpochCommitment.of(2, StandardMerkleTree.of(TestLeaves.random(50, 32)));

        AnvilNode anvil = AnvilNode.builder().port(port).stateFile(state).start();
        Deployment deployment = LedgerClient.deploy(TestChain.properties(anvil), TestChain.OWNER, DeployOptions.localChain());
        ChainProperties properties = TestChain.properties(anvil).withContractAddress(deployment.ledgerAddress());
        try (LedgerClient ledger = LedgerClient.connect(properties, TestChain.OWNER)) {
            ledger.commitEpoch(first);
            anvil.close();
            assertThat(state).as("anvil wrote its state on exit").exists();
            assertThat(Files.size(state)).isPositive();

            CompletableFuture<CommitResult> commit = CompletableFuture.supplyAsync(() -> ledger.commitEpoch(second));
            Thread.sleep(2_000);
            assertThat(commit).as("still retrying while the node is down").isNotDone();

            try (AnvilNode restarted = AnvilNode.builder().port(port).stateFile(state).start()) {
                CommitResult result = commit.get(60, TimeUnit.SECONDS);
                assertThat(result.status()).isEqualTo(Status.COMMITTED);
                assertThat(ledger.contract().lastEpoch()).isEqualTo(2);
                assertThat(ledger.contract().epochRoot(1)).contains(first.root());
                assertThat(ledger.contract().epochRoot(2)).contains(second.root());
                assertThat(ledger.commitEpoch(second).status()).isEqualTo(Status.ALREADY_COMMITTED);
            }
        } finally {
            anvil.close();
        }
    }
}
