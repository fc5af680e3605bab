package io.pocketgrid.portal.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.ledger.LeafExport;
import io.pocketgrid.ledger.LedgerClient;
import io.pocketgrid.ledger.VerifyCli;
import io.pocketgrid.ledger.chain.AnvilNode;
import io.pocketgrid.ledger.chain.ChainProperties;
import io.pocketgrid.ledger.merkle.Bytes32;
import io.pocketgrid.ledger.merkle.Leaf;
import io.pocketgrid.ledger.merkle.StandardMerkleTree;
import io.pocketgrid.portal.support.ApiClient;
import io.pocketgrid.portal.support.ApiClient.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.web3j.crypto.Credentials;
import tools.jackson.databind.JsonNode;

/** Checks what the ledger API publishes against the chain, as an outside verifier would. */
final class LedgerChecks {

    /** Anvil's second dev account: reads and submits claims; never the ledger's owner. */
    static final Credentials OUTSIDER = Credentials.create(AnvilNode.DEV_PRIVATE_KEYS.get(1));

    private LedgerChecks() {
    }

    /** A read-only client of the contract {@code GET /api/v1/ledger} names. */
    static LedgerClient reader(ApiClient api) {
        JsonNode info = api.get("/api/v1/ledger", null).json();
        return LedgerClient.connect(ChainProperties.of(info.get("rpcUrl").asString())
                .withPollInterval(Duration.ofMillis(50))
                .withContractAddress(info.get("contractAddress").asString()), OUTSIDER);
    }

    /**
     * Checks a committed epoch: its root is on chain, its CSV and JSON exports recompute the root (and the
     * CSV is byte for byte the committed export), {@code VerifyCli} agrees, and every leaf's proof from the
     * API verifies in the contract. Returns the leaves.
     */
    static List<Leaf> verifyEpoch(ApiClient api, long epoch, Path dir) throws IOException {
        JsonNode info = api.get("/api/v1/ledger", null).json();
        JsonNode e = api.get("/api/v1/epochs/" + epoch, null).json();
        assertThat(e.get("status").asString()).isEqualTo("COMMITTED");
        assertThat(e.get("txHash").asString()).startsWith("0x");
        assertThat(e.get("block").asLong()).isPositive();
        Bytes32 root = Bytes32.fromHex(e.get("root").asString());

        Response csv = api.get("/api/v1/epochs/" + epoch + "/leaves", null);
        assertThat(csv.status()).isEqualTo(200);
        List<Leaf> leaves = LeafExport.parse(new String(csv.body(), StandardCharsets.US_ASCII));
        assertThat(leaves).hasSize(e.get("leafCount").asInt());
        assertThat(StandardMerkleTree.of(leaves).root()).isEqualTo(root);
        assertThat(LeafExport.hash(csv.body()).toHex()).isEqualTo(e.get("exportHash").asString());
        assertThat(leaves.stream().mapToLong(l -> l.amount().longValueExact()).sum())
                .isEqualTo(Long.parseLong(e.get("total").asString()));
        Response json = api.get("/api/v1/epochs/" + epoch + "/leaves?format=json", null);
        assertThat(LeafExport.parse(new String(json.body(), StandardCharsets.UTF_8))).isEqualTo(leaves);
        Response accepted = api.send("GET", "/api/v1/epochs/" + epoch + "/leaves", Map.of("Accept", "application/json"),
                null);
        assertThat(accepted.json().get("leaves").size()).isEqualTo(leaves.size());

        Path file = Files.write(dir.resolve("epoch-" + epoch + ".csv"), csv.body());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = VerifyCli.run(new String[] {"--rpc", info.get("rpcUrl").asString(), "--contract",
                info.get("contractAddress").asString(), "--epoch", Long.toString(epoch), "--leaves", file.toString(),
                "--from-block", info.get("deployBlock").asString()}, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();

        try (LedgerClient reader = reader(api)) {
            assertThat(reader.contract().epochRoot(epoch)).contains(root);
            for (Leaf leaf : leaves) {
                JsonNode p = api.get("/api/v1/epochs/" + epoch + "/proof/" + leaf.accountId().toHex(), null).json();
                assertThat(p.get("root").asString()).isEqualTo(root.toHex());
                assertThat(p.get("amount").asString()).isEqualTo(leaf.amount().toString());
                List<Bytes32> proof = new ArrayList<>();
                p.get("proof").forEach(n -> proof.add(Bytes32.fromHex(n.asString())));
                assertThat(reader.contract().verify(epoch, leaf, proof)).as("proof of %s", leaf.accountId()).isTrue();
            }
        }
        return leaves;
    }

    /** The leaf of a volunteer in {@code leaves}. */
    static Leaf leafOf(List<Leaf> leaves, ApiClient.Volunteer volunteer) {
        Bytes32 id = AccountIds.ofVolunteer(volunteer.id());
        return leaves.stream().filter(l -> l.accountId().equals(id)).findFirst().orElseThrow();
    }

    /** Runs the epoch job on {@code threads} threads at once. */
    static List<EpochJob.Run> runConcurrently(EpochJob job, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<EpochJob.Run>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return job.runOnce();
                }));
            }
            start.countDown();
            List<EpochJob.Run> runs = new ArrayList<>();
            for (Future<EpochJob.Run> f : futures) {
                runs.add(f.get());
            }
            return runs;
        } finally {
            pool.shutdownNow();
        }
    }
}
