package io.pocketgrid.portal.stats;

import io.pocketgrid.portal.storage.Utc;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * The portal's headline figures for the home page. Every open home page — every contributing
 * volunteer's — asks for them every few seconds, so they are computed at most once per
 * {@link #FRESH} and shared; the queries read time windows through indexes (V0007) and the credit
 * total from the volunteers' running totals, not from every credit row.
 */
@Service
public class GlobalStats {

    private static final Duration ONLINE = Duration.ofMinutes(5);
    private static final Duration RATE_WINDOW = Duration.ofMinutes(1);
    static final Duration FRESH = Duration.ofSeconds(5);

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private Computed last;

    GlobalStats(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * @param volunteersOnline   volunteers that leased work in the last five minutes
     * @param inferencesPerSecond items computed (results received) per second over the last minute
     * @param tasksValidatedToday tasks validated since midnight UTC
     * @param totalCredits        all credit ever granted, in credits
     */
    public record Figures(int volunteersOnline, double inferencesPerSecond, int tasksValidatedToday, double totalCredits) {
    }

    private record Computed(Instant at, Figures figures) {
    }

    /** The figures, at most {@link #FRESH} old. */
    public synchronized Figures now() {
        Instant now = clock.instant();
        if (last == null || !last.at().plus(FRESH).isAfter(now)) {
            last = new Computed(now, compute(now));
        }
        return last.figures();
    }

    private Figures compute(Instant now) {
        Integer online = jdbc.queryForObject("SELECT COUNT(DISTINCT volunteer_id) FROM assignment WHERE issued_at > ?",
                Integer.class, Utc.at(now.minus(ONLINE)));
        Long items = jdbc.queryForObject("SELECT COALESCE(SUM(t.end_item - t.start_item), 0) FROM result r"
                + " JOIN task t ON t.id = r.task_id WHERE r.received_at > ?", Long.class,
                Utc.at(now.minus(RATE_WINDOW)));
        Integer today = jdbc.queryForObject("SELECT COUNT(*) FROM task WHERE validated_at >= ?", Integer.class,
                LocalDate.ofInstant(now, ZoneOffset.UTC).atStartOfDay().atOffset(ZoneOffset.UTC));
        // equal to the sum over credit rows: validation adds each grant to its volunteer in the same transaction
        Long micro = jdbc.queryForObject("SELECT COALESCE(SUM(total_micro_credits), 0) FROM volunteer", Long.class);
        return new Figures(online == null ? 0 : online, items / (double) RATE_WINDOW.toSeconds(),
                today == null ? 0 : today, micro / 1e6);
    }
}
