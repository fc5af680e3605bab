package io.pocketgrid.portal.stats;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The portal's headline figures for the home page and the stats export. */
@Service
public class GlobalStats {

    private static final Duration ONLINE = Duration.ofMinutes(5);
    private static final Duration RATE_WINDOW = Duration.ofMinutes(1);

    private final JdbcTemplate jdbc;
    private final Clock clock;

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

    @Transactional(readOnly = true)
    public Figures now() {
        Instant now = clock.instant();
        Integer online = jdbc.queryForObject("SELECT COUNT(DISTINCT volunteer_id) FROM assignment WHERE issued_at > ?",
                Integer.class, now.minus(ONLINE).atOffset(ZoneOffset.UTC));
        Long items = jdbc.queryForObject("SELECT COALESCE(SUM(t.end_item - t.start_item), 0) FROM result r"
                + " JOIN task t ON t.id = r.task_id WHERE r.received_at > ?", Long.class,
                now.minus(RATE_WINDOW).atOffset(ZoneOffset.UTC));
        Integer today = jdbc.queryForObject("SELECT COUNT(*) FROM task WHERE validated_at >= ?", Integer.class,
                LocalDate.ofInstant(now, ZoneOffset.UTC).atStartOfDay().atOffset(ZoneOffset.UTC));
        Long micro = jdbc.queryForObject("SELECT COALESCE(SUM(micro_credits), 0) FROM credit", Long.class);
        return new Figures(online == null ? 0 : online, items / (double) RATE_WINDOW.toSeconds(),
                today == null ? 0 : today, micro / 1e6);
    }
}
