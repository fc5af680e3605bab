package io.pocketgrid.portal.ledger;

import static io.pocketgrid.portal.ledger.LedgerChecks.leafOf;
import static io.pocketgrid.portal.ledger.LedgerChecks.verifyEpoch;
import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.ledger.LedgerClient;
import io.pocketgrid.ledger.chain.ChainClient;
import io.pocketgrid.ledger.chain.ChainProperties;
import io.pocketgrid.ledger.contract.TokenContract;
import io.pocketgrid.ledger.merkle.Bytes32;
import io.pocketgrid.ledger.merkle.EthAddress;
import io.pocketgrid.ledger.merkle.Leaf;
import io.pocketgrid.portal.ledger.EpochJob.Run;
import io.pocketgrid.portal.ledger.EpochJob.Status;
import io.pocketgrid.portal.support.ApiClient;
import io.pocketgrid.portal.support.ApiClient.Response;
import io.pocketgrid.portal.support.ApiClient.Volunteer;
import io.pocketgrid.portal.support.PortalProperties;
import io.pocketgrid.portal.support.TempDirs;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The ledger on a real portal (H2) and its own local anvil: credit earned through the worker API closes
 * epochs that are committed on chain, published in full and proven per account; runs are serialized by the
 * database lease; an unreachable chain makes an epoch wait; a lost chain gets a new contract with every
 * epoch. Each test runs the epoch job itself (the scheduled run is an hour away).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LedgerH2IT {

    private static final Path DATA_DIR = TempDirs.create("pocketgrid-ledger-h2-it");

    @Value("${local.server.port}")
    int port;

    @Autowired
    EpochJob job;

    @Autowired
    LedgerNetwork network;

    @Autowired
    LedgerLock lock;

    @Autowired
    LedgerService ledger;

    @Autowired
    LockHeartbeat heartbeat;

    @Autowired
    JdbcTemplate jdbc;

    @TempDir
    Path dir;

    ApiClient api;
    CreditFlow credit;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        PortalProperties.dataDir(registry, DATA_DIR);
        PortalProperties.noDemoProject(registry);
        PortalProperties.fastChain(registry);
    }

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
        credit = new CreditFlow(api);
        credit.project(100);
    }

    @Test
    void epochsOfCumulativeCreditAreCommittedPublishedAndProvenOnChain() throws Exception {
        Volunteer a = api.volunteer();
        Volunteer b = api.volunteer();
        Volunteer c = api.volunteer();
        credit.compute(a, 2);
        credit.compute(b, 1);
        credit.compute(c, 1);
        String payout = "0x00000000000000000000000000000000000c1a1e";
        long account = credit.linkToAccount(c, payout, jdbc);

        Run first = job.runOnce();
        assertThat(first.status()).as(first.toString()).isEqualTo(Status.COMMITTED);
        long n = first.closed();
        assertThat(first.committed()).containsExactly(n);
        JsonNode info = api.get("/api/v1/ledger", null).json();
        assertThat(info.get("chainId").asLong()).isEqualTo(31337);
        assertThat(info.get("network").asString()).isEqualTo("LOCAL");
        assertThat(info.get("epochInterval").asString()).isEqualTo("PT1H");
        assertThat(info.get("lastCommittedEpoch").asLong()).isEqualTo(n);
        assertThat(info.get("tokenAddress").asString()).startsWith("0x");

        List<Leaf> leaves = verifyEpoch(api, n, dir);
        assertThat(leafOf(leaves, a).amount().longValueExact()).isEqualTo(totalOf(a)).isPositive();
        assertThat(leafOf(leaves, b).amount().longValueExact()).isEqualTo(totalOf(b));
        assertThat(leafOf(leaves, a).payout()).isEqualTo(EthAddress.ZERO);
        assertThat(leafOf(leaves, c).payout()).isEqualTo(EthAddress.fromHex(payout));
        JsonNode byVolunteerId = api.get("/api/v1/epochs/" + n + "/proof/" + a.id(), null).json();
        assertThat(byVolunteerId.get("accountId").asString()).isEqualTo(AccountIds.ofVolunteer(a.id()).toHex());

        assertThat(job.runOnce().status()).as("no new credit, no epoch").isEqualTo(Status.NOTHING_NEW);

        long before = totalOf(a);
        credit.compute(a, 2);
        Run second = job.runOnce();
        assertThat(second.closed()).isEqualTo(n + 1);
        List<Leaf> next = verifyEpoch(api, n + 1, dir);
        assertThat(leafOf(next, a).amount().longValueExact()).as("cumulative").isEqualTo(totalOf(a)).isGreaterThan(before);
        assertThat(leafOf(next, b)).isEqualTo(leafOf(leaves, b));
        verifyEpoch(api, n, dir);
        JsonNode list = api.get("/api/v1/epochs?limit=2", null).json();
        assertThat(list.get(0).get("epoch").asLong()).isEqualTo(n + 1);
        assertThat(list.get(1).get("epoch").asLong()).isEqualTo(n);

        ClaimData claim = ledger.claim(c.id());
        assertThat(claim.proof().epoch()).isEqualTo(n + 1);
        assertThat(ledger.claimsOfAccount(account)).containsExactly(claim);
        try (LedgerClient reader = LedgerChecks.reader(api);
             ChainClient sender = LedgerClient.chainClient(ChainProperties.of(info.get("rpcUrl").asString())
                     .withPollInterval(Duration.ofMillis(50)), LedgerChecks.OUTSIDER)) {
            sender.execute(claim.contractAddress(), claim.calldata());
            BigInteger amount = new BigInteger(claim.proof().amount());
            assertThat(reader.claimed(AccountIds.ofVolunteer(c.id()))).isEqualTo(amount);
            assertThat(TokenContract.at(sender, info.get("tokenAddress").asString()).balanceOf(payout))
                    .isEqualTo(amount.multiply(reader.contract().rate()));
        }
    }

    @Test
    void unknownEpochsAndAccountsAreRefusedWithAnErrorBody() {
        credit.compute(api.volunteer(), 1);
        assertThat(job.runOnce().status()).isEqualTo(Status.COMMITTED);
        long n = api.get("/api/v1/ledger", null).json().get("lastCommittedEpoch").asLong();

        assertError(api.get("/api/v1/epochs/999999", null), 404, "UNKNOWN_EPOCH");
        assertError(api.get("/api/v1/epochs/999999/leaves", null), 404, "UNKNOWN_EPOCH");
        assertError(api.get("/api/v1/epochs/999999/proof/" + Bytes32.ZERO.toHex(), null), 404, "UNKNOWN_EPOCH");
        assertError(api.get("/api/v1/epochs/" + n + "/proof/" + Bytes32.ZERO.toHex(), null), 404, "UNKNOWN_ACCOUNT");
        assertError(api.get("/api/v1/epochs/" + n + "/proof/not-an-account", null), 400, "BAD_ACCOUNT_ID");
        assertError(api.get("/api/v1/epochs/" + n + "/leaves?format=xml", null), 400, "BAD_PARAMETER");
        assertError(api.get("/api/v1/epochs?limit=0", null), 400, "BAD_PARAMETER");
        assertError(api.get("/api/v1/epochs/first", null), 400, "BAD_PARAMETER");
    }

    @Test
    void concurrentRunsCloseAndCommitAnEpochOnce() throws Exception {
        credit.compute(api.volunteer(), 1);
        String otherInstance = lock.tryAcquire(LedgerLock.EPOCHS, Duration.ofMinutes(1)).orElseThrow();
        assertThat(job.runOnce().status()).as("another instance holds the lease").isEqualTo(Status.BUSY);
        lock.release(LedgerLock.EPOCHS, otherInstance);

        long epochsBefore = epochCount();
        List<Run> runs = LedgerChecks.runConcurrently(job, 4);
        assertThat(runs.stream().filter(r -> r.closed() != null)).hasSize(1);
        assertThat(runs).allSatisfy(r -> assertThat(r.status()).isIn(Status.COMMITTED, Status.BUSY, Status.NOTHING_NEW));
        assertThat(epochCount()).isEqualTo(epochsBefore + 1);
        long n = runs.stream().filter(r -> r.closed() != null).findFirst().orElseThrow().closed();
        long deployBlock = api.get("/api/v1/ledger", null).json().get("deployBlock").asLong();
        try (LedgerClient reader = LedgerChecks.reader(api)) {
            assertThat(reader.contract().epochRecords(n, deployBlock)).as("EpochCommitted events").hasSize(1);
            assertThat(reader.contract().lastEpoch()).isEqualTo(n);
        }
    }

    @Test
    void anEpochWaitsWhileTheChainIsDownAndIsCommittedWhenItIsBack() throws Exception {
        String contract = api.get("/api/v1/ledger", null).json().get("contractAddress").asString();
        credit.compute(api.volunteer(), 1);
        network.localNode().close();

        Run failed = job.runOnce();
        assertThat(failed.status()).isEqualTo(Status.FAILED);
        long n = failed.closed();
        JsonNode waiting = api.get("/api/v1/epochs/" + n, null).json();
        assertThat(waiting.get("status").asString()).isEqualTo("FAILED");
        assertThat(waiting.get("attempts").asInt()).isEqualTo(1);
        assertThat(network.localNode().isAlive()).as("the portal started its chain again").isTrue();

        Run retried = job.runOnce();
        assertThat(retried.status()).isEqualTo(Status.COMMITTED);
        assertThat(retried.committed()).containsExactly(n);
        assertThat(api.get("/api/v1/ledger", null).json().get("contractAddress").asString())
                .as("the state file kept the contract").isEqualTo(contract);
        verifyEpoch(api, n, dir);
    }

    @Test
    void aRestartKeepsTheContractAndALostChainGetsANewOneWithEveryEpoch() throws Exception {
        credit.compute(api.volunteer(), 1);
        assertThat(job.runOnce().status()).isEqualTo(Status.COMMITTED);
        String contract = api.get("/api/v1/ledger", null).json().get("contractAddress").asString();

        network.restart();
        JsonNode restarted = api.get("/api/v1/ledger", null).json();
        assertThat(restarted.get("contractAddress").asString()).isEqualTo(contract);
        long last = restarted.get("lastCommittedEpoch").asLong();
        try (LedgerClient reader = LedgerChecks.reader(api)) {
            assertThat(reader.contract().lastEpoch()).isEqualTo(last);
        }

        long networksBefore = networks();
        network.localNode().close();
        Files.delete(DATA_DIR.resolve("anvil").resolve("state.json"));
        network.restart();
        JsonNode fresh = api.get("/api/v1/ledger", null).json();
        assertThat(fresh.get("lastCommittedEpoch").asLong()).isZero();
        assertThat(networks()).as("a new deployment").isEqualTo(networksBefore + 1);
        try (LedgerClient reader = LedgerChecks.reader(api)) {
            assertThat(reader.contract().lastEpoch()).as("a new contract").isZero();
        }
        assertThat(api.get("/api/v1/epochs/" + last, null).json().get("status").asString()).isEqualTo("PENDING");

        Run recommitted = job.runOnce();
        assertThat(recommitted.status()).isEqualTo(Status.COMMITTED);
        assertThat(recommitted.committed()).hasSize((int) last);
        for (long epoch = 1; epoch <= last; epoch++) {
            verifyEpoch(api, epoch, dir);
        }
    }

    @Test
    void aHeldLockIsRenewedWhileItsHolderLivesAndALostOneIsDropped() {
        String lease = lock.tryAcquire(LedgerLock.EPOCHS, Duration.ofSeconds(30)).orElseThrow();
        try {
            assertThat(lease).startsWith(lock.owner() + "/").hasSizeLessThanOrEqualTo(36);
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            jdbc.update("UPDATE ledger_lock SET locked_until = ? WHERE name = ?", now.plusSeconds(1), LedgerLock.EPOCHS);
            heartbeat.renew();
            assertThat(epochsLockedUntil()).as("renewed for another hold").isAfter(now.plusSeconds(20));

            // it ran out meanwhile and another instance took it
            jdbc.update("UPDATE ledger_lock SET locked_by = ? WHERE name = ?", "0123456789abcdef/other", LedgerLock.EPOCHS);
            heartbeat.renew();
            assertThat(lock.held()).as("a lost lock is no longer renewed").doesNotContainKey(LedgerLock.EPOCHS);
            assertThat(lock.extend(LedgerLock.EPOCHS, lease, Duration.ofSeconds(30))).isFalse();
        } finally {
            lock.release(LedgerLock.EPOCHS, lease);
            jdbc.update("UPDATE ledger_lock SET locked_until = ?, locked_by = NULL WHERE name = ?",
                    OffsetDateTime.now(ZoneOffset.UTC), LedgerLock.EPOCHS);
        }
    }

    private OffsetDateTime epochsLockedUntil() {
        return jdbc.queryForObject("SELECT locked_until FROM ledger_lock WHERE name = ?", OffsetDateTime.class,
                LedgerLock.EPOCHS);
    }

    private long networks() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM ledger_network", Long.class);
    }

    private long epochCount() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM ledger_epoch", Long.class);
    }

    private long totalOf(Volunteer v) {
        return jdbc.queryForObject("SELECT total_micro_credits FROM volunteer WHERE public_id = ?", Long.class, v.id());
    }

    private static void assertError(Response r, int status, String code) {
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.error()).isEqualTo(code);
        assertThat(r.json().get("message").asString()).isNotBlank();
    }
}
