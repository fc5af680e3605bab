package io.pocketgrid.portal.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.PortalApplication;
import io.pocketgrid.portal.ledger.EpochJob.Status;
import io.pocketgrid.portal.support.ApiClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The fault drill's crash during an epoch run, on one data directory (so one instance id) started three
 * times: the instance dies holding the epoch lock, which would still run for a day; another instance's start
 * leaves that lock alone and its runs stay out; the crashed instance's own restart takes the lock back and
 * commits an epoch at its first scheduled run. Subclasses name the database.
 */
abstract class EpochLockRecovery {

    private static final Duration PROMPTLY = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;

    /** Arguments that point a portal at the test's database. */
    abstract List<String> database();

    @Test
    void aRestartedInstanceTakesBackTheEpochLockOfItsCrashedRunAndCommitsPromptly() throws Exception {
        String crashedRun;
        try (ConfigurableApplicationContext portal = start(null, "1h")) {
            ApiClient api = new ApiClient(port(portal));
            CreditFlow credit = new CreditFlow(api);
            credit.project(20);
            credit.compute(api.volunteer(), 1);
            crashedRun = portal.getBean(LedgerLock.class).owner() + "/crashed-run";
            // what the crash leaves: the run's lock row, as if its holder had set a long hold and died
            portal.getBean(JdbcTemplate.class).update("UPDATE ledger_lock SET locked_until = ?, locked_by = ? WHERE name = ?",
                    OffsetDateTime.now(ZoneOffset.UTC).plusDays(1), crashedRun, LedgerLock.EPOCHS);
        }

        try (ConfigurableApplicationContext other = start("another-instance", "1h")) {
            assertThat(lockedBy(other)).as("another instance's start leaves the lock alone").isEqualTo(crashedRun);
            assertThat(other.getBean(EpochJob.class).runOnce().status()).as("nor does it take it").isEqualTo(Status.BUSY);
        }

        try (ConfigurableApplicationContext restarted = start(null, "1s")) {
            JdbcTemplate jdbc = restarted.getBean(JdbcTemplate.class);
            long deadline = System.nanoTime() + PROMPTLY.toNanos();
            while (committedEpochs(jdbc) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(committedEpochs(jdbc)).as("epochs committed by the restarted instance's scheduled runs")
                    .isPositive();
            assertThat(lockedBy(restarted)).as("the crashed run's lock").isNotEqualTo(crashedRun);
        }
    }

    private ConfigurableApplicationContext start(String instanceId, String epochInterval) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--pocketgrid.data-dir=" + dataDir,
                "--pocketgrid.demo-project=false", "--pocketgrid.ledger.epoch-interval=" + epochInterval,
                "--pocketgrid.ledger.poll-interval=50ms", "--pocketgrid.ledger.receipt-timeout=10s",
                "--pocketgrid.ledger.retry-give-up=2s"));
        if (instanceId != null) {
            args.add("--pocketgrid.instance-id=" + instanceId);
        }
        args.addAll(database());
        return new SpringApplicationBuilder(PortalApplication.class).run(args.toArray(String[]::new));
    }

    private static int port(ConfigurableApplicationContext portal) {
        return Integer.parseInt(portal.getEnvironment().getProperty("local.server.port"));
    }

    private static String lockedBy(ConfigurableApplicationContext portal) {
        return portal.getBean(JdbcTemplate.class).queryForObject("SELECT locked_by FROM ledger_lock WHERE name = ?",
                String.class, LedgerLock.EPOCHS);
    }

    private static long committedEpochs(JdbcTemplate jdbc) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM ledger_epoch WHERE status = 'COMMITTED'", Long.class);
    }
}
