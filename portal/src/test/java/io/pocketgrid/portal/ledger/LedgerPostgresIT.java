package io.pocketgrid.portal.ledger;

import static io.pocketgrid.portal.ledger.LedgerChecks.leafOf;
import static io.pocketgrid.portal.ledger.LedgerChecks.verifyEpoch;
import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.ledger.LedgerClient;
import io.pocketgrid.ledger.merkle.Leaf;
import io.pocketgrid.portal.ledger.EpochJob.Run;
import io.pocketgrid.portal.ledger.EpochJob.Status;
import io.pocketgrid.portal.support.ApiClient;
import io.pocketgrid.portal.support.ApiClient.Volunteer;
import io.pocketgrid.portal.support.PortalProperties;
import io.pocketgrid.portal.support.PostgresSchema;
import io.pocketgrid.portal.support.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The epoch lease on the local PostgreSQL (in a schema of its own, wiped first), where several portal
 * instances would share it: a lease held elsewhere stops a run, and runs started together close and commit
 * an epoch exactly once, whose published leaves and proofs verify on chain.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("postgres")
@Import(PostgresSchema.CleanThenMigrate.class)
class LedgerPostgresIT {

    static final String SCHEMA = "pocketgrid_ledger_it";
    private static final Path DATA_DIR = TempDirs.create("pocketgrid-ledger-pg-it");

    @Value("${local.server.port}")
    int port;

    @Autowired
    EpochJob job;

    @Autowired
    LedgerLock lock;

    @Autowired
    JdbcTemplate jdbc;

    @TempDir
    Path dir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        PostgresSchema.register(registry, SCHEMA);
        PortalProperties.dataDir(registry, DATA_DIR);
        PortalProperties.noDemoProject(registry);
        PortalProperties.fastChain(registry);
    }

    @Test
    void runsStartedTogetherCloseAndCommitAnEpochOnce() throws Exception {
        ApiClient api = new ApiClient(port);
        CreditFlow credit = new CreditFlow(api);
        credit.project(50);
        Volunteer a = api.volunteer();
        Volunteer b = api.volunteer();
        credit.compute(a, 2);
        credit.compute(b, 1);

        String otherInstance = lock.tryAcquire(LedgerLock.EPOCHS, Duration.ofMinutes(1)).orElseThrow();
        assertThat(lock.tryAcquire(LedgerLock.EPOCHS, Duration.ofMinutes(1))).isEmpty();
        assertThat(job.runOnce().status()).as("another instance holds the lease").isEqualTo(Status.BUSY);
        lock.release(LedgerLock.EPOCHS, otherInstance);

        List<Run> runs = LedgerChecks.runConcurrently(job, 4);
        assertThat(runs.stream().filter(r -> r.closed() != null)).hasSize(1);
        assertThat(runs.stream().mapToLong(r -> r.committed().size()).sum()).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM ledger_epoch", Long.class)).isEqualTo(1);
        long deployBlock = api.get("/api/v1/ledger", null).json().get("deployBlock").asLong();
        try (LedgerClient reader = LedgerChecks.reader(api)) {
            assertThat(reader.contract().epochRecords(1, deployBlock)).as("EpochCommitted events").hasSize(1);
        }

        List<Leaf> leaves = verifyEpoch(api, 1, dir);
        assertThat(leaves).hasSize(2);
        assertThat(leafOf(leaves, a).amount().longValueExact()).isEqualTo(
                jdbc.queryForObject("SELECT total_micro_credits FROM volunteer WHERE public_id = ?", Long.class, a.id()));

        credit.compute(b, 1);
        assertThat(job.runOnce().closed()).isEqualTo(2);
        List<Leaf> next = verifyEpoch(api, 2, dir);
        assertThat(leafOf(next, a)).isEqualTo(leafOf(leaves, a));
        assertThat(leafOf(next, b).amount()).isGreaterThan(leafOf(leaves, b).amount());
    }
}
