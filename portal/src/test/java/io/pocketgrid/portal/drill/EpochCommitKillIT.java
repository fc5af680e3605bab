package io.pocketgrid.portal.drill;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.ledger.LedgerClient;
import io.pocketgrid.ledger.chain.AnvilNode;
import io.pocketgrid.ledger.chain.ChainProperties;
import io.pocketgrid.ledger.contract.LedgerContract.EpochRecord;
import io.pocketgrid.ledger.merkle.Bytes32;
import io.pocketgrid.portal.support.ApiClient;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import tools.jackson.databind.JsonNode;

/**
 * Drill 1: the portal is killed (SIGKILL) between sending an epoch's transaction and seeing its receipt. The
 * chain is an anvil the test holds with automine off, so the transaction waits in the mempool while the
 * portal dies and starts again; only then is it mined. The contract, read by an outsider, must hold that
 * epoch once, from the transaction sent before the kill, and the next epoch must follow it.
 */
class EpochCommitKillIT {

    private static final Duration AT_MOST = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void anEpochSentBeforeAKillIsOnChainOnceAndTheNextEpochFollows() {
        DrillLog log = new DrillLog("kill -9 during an epoch commit");
        try (ExternalChain chain = new ExternalChain(null, dir.resolve("anvil.log")).start();
             PortalProcess portal = new PortalProcess(dir.resolve("portal"), List.of(
                     "--pocketgrid.ledger.rpc-url=" + chain.rpcUrl(), "--pocketgrid.ledger.epoch-interval=2s",
                     "--pocketgrid.ledger.poll-interval=100ms", "--pocketgrid.ledger.receipt-timeout=10s",
                     "--pocketgrid.ledger.retry-give-up=5s"), Map.of("POCKETGRID_LEDGER_KEY", ExternalChain.OWNER_KEY))) {
            log.event("portal ready in %.1f s (pid %d), chain %s", portal.start(), portal.pid(), chain.rpcUrl());
            ApiClient api = new ApiClient(portal.port());
            JsonNode ledger = api.get("/api/v1/ledger", null).json();
            String contract = ledger.get("contractAddress").asString();
            long deployBlock = ledger.get("deployBlock").asLong();
            long nonceBefore = chain.nonce("latest");
            chain.automine(false);
            log.event("ledger %s deployed at block %d; automine off (owner nonce %d)", contract, deployBlock, nonceBefore);

            Volunteers.project(portal.port(), 20, 10, 1, 1);
            Volunteers volunteers = new Volunteers(portal.port(), 1);
            assertThat(volunteers.computeOne(api, volunteers.ids().getFirst(), volunteers.tokens().getFirst()))
                    .as("a task computed").isTrue();
            String sent = awaitPendingTransaction(chain);
            log.event("epoch transaction %s waits in the mempool", sent);

            portal.kill();
            log.event("kill -9 portal pid %d (between send and receipt)", portal.pid());
            assertThat(chain.nonce("latest")).as("nothing mined yet").isEqualTo(nonceBefore);

            log.event("portal restarted in %.1f s (pid %d) with the transaction still pending", portal.start(),
                    portal.pid());
            PortalProcess.sleep(4_000); // two epoch runs of the restarted portal while the transaction is pending
            assertThat(chain.nonce("pending")).as("the restarted portal sent nothing while its transaction was pending")
                    .isEqualTo(nonceBefore + 1);
            assertThat(chain.pendingHashes()).containsExactly(sent);
            assertThat(volunteers.computeOne(api, volunteers.ids().getFirst(), volunteers.tokens().getFirst()))
                    .as("a second task, credit for the next epoch").isTrue();
            chain.mine();
            chain.automine(true);
            log.event("mined the pending transaction; automine on");

            try (LedgerClient reader = LedgerClient.connect(ChainProperties.of(chain.rpcUrl())
                    .withPollInterval(Duration.ofMillis(100)).withContractAddress(contract),
                    Credentials.create(AnvilNode.DEV_PRIVATE_KEYS.get(1)))) {
                long deadline = System.nanoTime() + AT_MOST.toNanos();
                while (reader.contract().lastEpoch() < 2 && System.nanoTime() < deadline) {
                    PortalProcess.sleep(200);
                }
                assertThat(reader.contract().lastEpoch()).as("epochs on chain").isEqualTo(2);
                log.event("the chain is at epoch 2");

                List<EpochRecord> first = reader.contract().epochRecords(1, deployBlock);
                assertThat(first).as("EpochCommitted events of epoch 1").hasSize(1);
                assertThat(first.getFirst().transactionHash()).as("epoch 1 came from the transaction sent before the kill")
                        .isEqualTo(sent);
                List<EpochRecord> second = reader.contract().epochRecords(2, deployBlock);
                assertThat(second).as("EpochCommitted events of epoch 2").hasSize(1);
                assertThat(second.getFirst().blockNumber()).isGreaterThan(first.getFirst().blockNumber());
                assertThat(chain.nonce("latest")).as("owner transactions since the deployment: epoch 1 once, epoch 2")
                        .isEqualTo(nonceBefore + 2);

                for (long epoch = 1; epoch <= 2; epoch++) {
                    JsonNode e = awaitCommitted(api, epoch);
                    assertThat(reader.contract().epochRoot(epoch)).as("root of epoch %d", epoch)
                            .contains(Bytes32.fromHex(e.get("root").asString()));
                    assertThat(reader.contract().epochRecord(epoch, deployBlock).orElseThrow().commitment().total())
                            .as("total of epoch %d", epoch).isEqualTo(new BigInteger(e.get("total").asString()));
                }
                assertThat(awaitCommitted(api, 1).get("txHash").asString()).as("the portal recorded the sent hash")
                        .isEqualTo(sent);
                long earned = volunteers.acks().stream().mapToLong(Volunteers.Ack::microCredits).sum();
                assertThat(reader.contract().epochTotal(2)).as("credit on chain, counted once")
                        .contains(BigInteger.valueOf(earned));
                log.event("found: epoch 1 once (from %s, block %d), epoch 2 at block %d, %d owner transactions after"
                        + " the deployment, %d micro-credits on chain = %d earned", sent, first.getFirst().blockNumber(),
                        second.getFirst().blockNumber(), chain.nonce("latest") - nonceBefore,
                        reader.contract().epochTotal(2).orElseThrow(), earned);
            }
        } finally {
            log.report();
        }
    }

    /** The hash of the owner's transaction once it is in the mempool. */
    private static String awaitPendingTransaction(ExternalChain chain) {
        long deadline = System.nanoTime() + AT_MOST.toNanos();
        while (System.nanoTime() < deadline) {
            List<String> pending = chain.pendingHashes();
            if (!pending.isEmpty()) {
                return pending.getFirst();
            }
            PortalProcess.sleep(50);
        }
        throw new AssertionError("the portal sent no epoch transaction within " + AT_MOST);
    }

    private static JsonNode awaitCommitted(ApiClient api, long epoch) {
        long deadline = System.nanoTime() + AT_MOST.toNanos();
        JsonNode e = api.get("/api/v1/epochs/" + epoch, null).json();
        while (!"COMMITTED".equals(e.path("status").asString()) && System.nanoTime() < deadline) {
            PortalProcess.sleep(200);
            e = api.get("/api/v1/epochs/" + epoch, null).json();
        }
        assertThat(e.path("status").asString()).as("epoch %d in the portal", epoch).isEqualTo("COMMITTED");
        return e;
    }
}
