package io.pocketgrid.portal.ledger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.pocketgrid.ledger.CommitResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * The ledger's meters: commits and their gas (counted by the instance that sent them), and the commit
 * lag, read from the database so that every instance reports the grid's figure. The lag is read at
 * most every {@link #FRESH}, however often it is scraped or asked for by the health check.
 */
@Component
public class LedgerMeters {

    static final Duration FRESH = Duration.ofSeconds(5);

    private final LedgerStore store;
    private final Clock clock;
    private final Counter committed;
    private final Counter alreadyCommitted;
    private final Counter failed;
    private final Counter gas;
    private Instant readAt = Instant.MIN;
    private Optional<Instant> since = Optional.empty();

    LedgerMeters(LedgerStore store, Clock clock, MeterRegistry meters) {
        this.store = store;
        this.clock = clock;
        String commits = "epoch commits, by outcome (already: an earlier attempt had committed it)";
        this.committed = Counter.builder("pocketgrid.ledger.commits").description(commits).tag("outcome", "committed")
                .register(meters);
        this.alreadyCommitted = Counter.builder("pocketgrid.ledger.commits").description(commits)
                .tag("outcome", "already").register(meters);
        this.failed = Counter.builder("pocketgrid.ledger.commits").description(commits).tag("outcome", "failed")
                .register(meters);
        this.gas = Counter.builder("pocketgrid.ledger.gas.used")
                .description("gas of the epoch commits this instance sent").register(meters);
        TimeGauge.builder("pocketgrid.ledger.commit.lag", this, TimeUnit.SECONDS, m -> m.lag().toMillis() / 1000.0)
                .description("how long the oldest credit not on chain has waited (0: the chain has all of it)")
                .register(meters);
        Gauge.builder("pocketgrid.ledger.epoch.committed", store, LedgerStore::lastCommittedEpoch)
                .description("the newest committed epoch").register(meters);
    }

    void committed(CommitResult result) {
        if (result.status() == CommitResult.Status.ALREADY_COMMITTED) {
            alreadyCommitted.increment();
            return;
        }
        committed.increment();
        if (result.gasUsed() != null) {
            gas.increment(result.gasUsed().doubleValue());
        }
    }

    void failed() {
        failed.increment();
    }

    /** How long credit has waited for the chain; zero when the chain has all of it. */
    public synchronized Duration lag() {
        Instant now = clock.instant();
        if (!readAt.plus(FRESH).isAfter(now)) {
            since = store.uncommittedSince();
            readAt = now;
        }
        return since.map(s -> Duration.between(s, now)).filter(d -> !d.isNegative()).orElse(Duration.ZERO);
    }

    /** Forgets the last reading, so the next one reads the database (tests, right after a commit). */
    synchronized void refresh() {
        readAt = Instant.MIN;
    }
}
