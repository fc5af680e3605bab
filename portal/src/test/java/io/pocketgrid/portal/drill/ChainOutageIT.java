package io.pocketgrid.portal.drill;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.ledger.LedgerClient;
import io.pocketgrid.ledger.chain.AnvilNode;
import io.pocketgrid.ledger.chain.ChainProperties;
import io.pocketgrid.portal.support.ApiClient;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import tools.jackson.databind.JsonNode;

/**
 * Drill 2: the chain goes away while volunteers work. With a node the operator runs (an anvil the test stops
 * and starts again on the same port and state file), the portal keeps answering leases and results, health
 * group {@code ledger} says DOWN, and once the node is back the epochs it missed are committed with every
 * credit on chain once. With the portal's own anvil, killed (SIGKILL) under it, the portal starts a new one.
 */
class ChainOutageIT {

    private static final Duration AT_MOST = Duration.ofSeconds(60);
    private static final Duration OUTAGE = Duration.ofSeconds(8);
    private static final List<String> FAST_EPOCHS = List.of("--pocketgrid.ledger.epoch-interval=2s",
            "--pocketgrid.ledger.poll-interval=100ms", "--pocketgrid.ledger.receipt-timeout=5s",
            "--pocketgrid.ledger.retry-give-up=3s");

    @TempDir
    Path dir;

    @Test
    void whileTheChainIsDownThePortalTakesWorkAndCommitsTheMissedEpochsWhenItIsBack() {
        DrillLog log = new DrillLog("chain node down for an epoch");
        ExternalChain chain = new ExternalChain(dir.resolve("chain-state.json"), dir.resolve("anvil.log")).start();
        try (chain; PortalProcess portal = new PortalProcess(dir.resolve("portal"),
                args("--pocketgrid.ledger.rpc-url=" + chain.rpcUrl()), Map.of("POCKETGRID_LEDGER_KEY", ExternalChain.OWNER_KEY));
             Volunteers volunteers = started(portal, log)) {
            ApiClient api = new ApiClient(portal.port());
            String contract = api.get("/api/v1/ledger", null).json().get("contractAddress").asString();
            await(() -> lastCommitted(api) >= 1, "a first epoch");
            log.event("epoch %d committed; %d results acknowledged", lastCommitted(api), volunteers.acks().size());

            chain.stop();
            long down = System.currentTimeMillis();
            int acksBefore = volunteers.acks().size();
            log.event("chain node stopped (SIGTERM, state kept in its file)");
            PortalProcess.sleep(OUTAGE.toMillis());
            int healthStatus = portal.status("/actuator/health/ledger");
            String health = portal.operatorGet("/actuator/health/ledger");
            long waiting = lastCommitted(api) + 1;
            String waitingStatus = api.get("/api/v1/epochs/" + waiting, null).json().path("status").asString();
            long up = System.currentTimeMillis();
            // 429: the portal's own per-volunteer throttle, which these eager volunteers meet with or without a chain
            List<Volunteers.Failure> throttled = volunteers.failuresBetween(down, up).stream()
                    .filter(f -> f.status() == 429).toList();
            List<Volunteers.Failure> failed = volunteers.failuresBetween(down, up).stream()
                    .filter(f -> f.status() != 429).toList();
            int acksDuring = volunteers.acks().size() - acksBefore;
            log.event("during the %d s outage: %d results acknowledged, %d calls failed (%d more throttled, 429);"
                    + " health ledger %d %s; epoch %d %s", OUTAGE.toSeconds(), acksDuring, failed.size(),
                    throttled.size(), healthStatus, health, waiting, waitingStatus);
            assertThat(failed).as("volunteer calls that failed while the chain was down").isEmpty();
            assertThat(acksDuring).as("results acknowledged while the chain was down").isPositive();
            assertThat(healthStatus).as("health group ledger while the chain is down").isEqualTo(503);
            assertThat(health).contains("\"DOWN\"");
            assertThat(waitingStatus).as("the epoch closed during the outage").isEqualTo("FAILED");

            chain.start();
            log.event("chain node started again on the same port and state");
            volunteers.stop();
            long earned = volunteers.acks().stream().mapToLong(Volunteers.Ack::microCredits).sum();
            try (LedgerClient reader = reader(chain.rpcUrl(), contract)) {
                await(() -> reader.contract().lastEpoch() > waiting - 1
                        && totalOnChain(reader).equals(Optional.of(BigInteger.valueOf(earned))), "every credit on chain");
                long last = reader.contract().lastEpoch();
                for (long epoch = 1; epoch <= last; epoch++) {
                    assertThat(reader.contract().epochRecords(epoch, 0)).as("commits of epoch %d", epoch).hasSize(1);
                }
                assertThat(api.get("/api/v1/ledger", null).json().get("contractAddress").asString())
                        .as("the same contract").isEqualTo(contract);
                await(() -> portal.status("/actuator/health/ledger") == 200, "health group ledger UP");
                log.event("found: chain at epoch %d, each committed once; %d micro-credits on chain = %d acknowledged"
                        + " (%d results); health ledger UP again", last, totalOnChain(reader).orElseThrow(), earned,
                        volunteers.acks().size());
            }
        } finally {
            log.report();
        }
    }

    @Test
    void whenItsOwnChainIsKilledThePortalStartsItAgainAndCommitsOn() {
        DrillLog log = new DrillLog("the portal's own anvil killed");
        try (PortalProcess portal = new PortalProcess(dir.resolve("portal"),
                args("--pocketgrid.ledger.anvil-path=" + AnvilNode.locateBinary().toAbsolutePath()), Map.of());
             Volunteers volunteers = started(portal, log)) {
            ApiClient api = new ApiClient(portal.port());
            await(() -> lastCommitted(api) >= 1, "a first epoch");
            ProcessHandle anvil = anvilOf(portal).orElseThrow();
            String contract = api.get("/api/v1/ledger", null).json().get("contractAddress").asString();
            log.event("epoch %d committed on the portal's anvil pid %d, ledger %s", lastCommitted(api), anvil.pid(),
                    contract);

            anvil.destroyForcibly();
            log.event("kill -9 anvil pid %d", anvil.pid());
            await(() -> anvilOf(portal).filter(a -> a.pid() != anvil.pid()).isPresent(), "a new anvil");
            long restarted = anvilOf(portal).orElseThrow().pid();
            log.event("the portal started anvil pid %d", restarted);
            await(() -> lastCommitted(api) > 1, "an epoch on the new anvil");
            volunteers.stop();
            long earned = volunteers.acks().stream().mapToLong(Volunteers.Ack::microCredits).sum();
            JsonNode ledger = api.get("/api/v1/ledger", null).json();
            try (LedgerClient reader = reader(ledger.get("rpcUrl").asString(), ledger.get("contractAddress").asString())) {
                await(() -> totalOnChain(reader).equals(Optional.of(BigInteger.valueOf(earned))), "every credit on chain");
                long last = reader.contract().lastEpoch();
                assertThat(last).as("the portal's last committed epoch is the chain's").isEqualTo(lastCommitted(api));
                for (long epoch = 1; epoch <= last; epoch++) {
                    assertThat(reader.contract().epochRecords(epoch, 0)).as("commits of epoch %d", epoch).hasSize(1);
                }
                log.event("found: ledger %s at %s, chain at epoch %d, each committed once; %d micro-credits on chain ="
                        + " %d acknowledged", ledger.get("contractAddress").asString(), ledger.get("rpcUrl").asString(),
                        last, totalOnChain(reader).orElseThrow(), earned);
            }
        } finally {
            log.report();
        }
    }

    private static List<String> args(String chain) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(chain), FAST_EPOCHS.stream()).toList();
    }

    /**
     * Starts the portal and three volunteers on a project of 1,000 tasks with replication 1, more than they do
     * in a drill (200 tasks were done before the outage began).
     */
    private static Volunteers started(PortalProcess portal, DrillLog log) {
        log.event("portal ready in %.1f s (pid %d)", portal.start(), portal.pid());
        Volunteers.project(portal.port(), 2000, 2, 1, 1);
        Volunteers volunteers = new Volunteers(portal.port(), 3);
        volunteers.start();
        return volunteers;
    }

    private static Optional<ProcessHandle> anvilOf(PortalProcess portal) {
        return portal.descendants().stream()
                .filter(p -> p.info().command().map(c -> c.endsWith("/anvil")).orElse(false)).findFirst();
    }

    private static LedgerClient reader(String rpcUrl, String contract) {
        return LedgerClient.connect(ChainProperties.of(rpcUrl).withPollInterval(Duration.ofMillis(100))
                .withContractAddress(contract), Credentials.create(AnvilNode.DEV_PRIVATE_KEYS.get(1)));
    }

    private static Optional<BigInteger> totalOnChain(LedgerClient reader) {
        long last = reader.contract().lastEpoch();
        return last == 0 ? Optional.empty() : reader.contract().epochTotal(last);
    }

    /** The portal's last committed epoch; -1 while it has no chain connection (the ledger API answers 503). */
    private static long lastCommitted(ApiClient api) {
        ApiClient.Response r = api.get("/api/v1/ledger", null);
        return r.status() == 200 ? r.json().get("lastCommittedEpoch").asLong() : -1;
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + AT_MOST.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + AT_MOST + ": " + what);
            }
            PortalProcess.sleep(200);
        }
    }
}
