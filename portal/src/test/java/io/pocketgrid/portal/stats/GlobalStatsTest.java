package io.pocketgrid.portal.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/** The home page's figures on a real (in-memory H2) database with PocketGrid's schema. */
class GlobalStatsTest {

    private final SettableClock clock = new SettableClock(Instant.parse("2026-11-28T12:00:00Z"));
    private JdbcTemplate jdbc;
    private GlobalStats stats;

    @BeforeEach
    void migrate() {
        SimpleDriverDataSource dataSource = new SimpleDriverDataSource(new org.h2.Driver(),
                "jdbc:h2:mem:stats-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(dataSource).load().migrate();
        jdbc = new JdbcTemplate(dataSource);
        stats = new GlobalStats(jdbc, clock);
    }

    @Test
    void figuresAreSharedForAFewSecondsThenComputedAfresh() {
        volunteer("a", 1_500_000);
        assertThat(stats.now().totalCredits()).isEqualTo(1.5);

        volunteer("b", 2_000_000);
        clock.advance(GlobalStats.FRESH.minusMillis(1));
        assertThat(stats.now().totalCredits()).as("still the shared figures").isEqualTo(1.5);
        clock.advance(Duration.ofMillis(1));
        assertThat(stats.now().totalCredits()).isEqualTo(3.5);
    }

    private void volunteer(String name, long microCredits) {
        jdbc.update("INSERT INTO volunteer (public_id, token_sha256, created_at, total_micro_credits) VALUES (?, ?, ?, ?)",
                name, name.repeat(64).substring(0, 64), clock.instant().atOffset(ZoneOffset.UTC), microCredits);
    }

    /** A clock the test moves by hand. */
    private static final class SettableClock extends Clock {
        private Instant now;

        SettableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
