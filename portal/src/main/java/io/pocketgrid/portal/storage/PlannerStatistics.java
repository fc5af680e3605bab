package io.pocketgrid.portal.storage;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps PostgreSQL's planner statistics of the work tables up to date while they are young. The
 * worker API reads them by non-unique keys ({@code result.task_id}, {@code assignment.task_id});
 * without statistics the planner assumes 0.5 % of the rows per key and scans the whole table
 * instead of the index — measured: 30 ms per result batch at 40,000 results, the p99 of every
 * result. Autovacuum fixes that only after its one-minute nap and once 10 % of a table changed, so
 * a fresh portal crawls through its first minutes. This analyzes a work table whose changes since
 * its last analysis outnumber the rows the planner knows of (at most once per doubling); a grown
 * table is left to autovacuum, which then acts sooner. Only tables the portal's role owns (only an
 * owner may analyze). No-op on H2, which keeps its own statistics.
 */
@Component
public class PlannerStatistics {

    private static final Logger log = LoggerFactory.getLogger(PlannerStatistics.class);
    /**
     * The tables the worker API reads by more than their primary key, in a fixed list: their names
     * go into SQL text.
     */
    private static final List<String> WORK_TABLES = List.of("task", "assignment", "result", "credit");
    private static final long MIN_CHANGES = 1000;

    private final JdbcTemplate jdbc;
    private final boolean postgres;

    PlannerStatistics(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.postgres = "PostgreSQL".equals(jdbc.execute((ConnectionCallback<String>) c ->
                c.getMetaData().getDatabaseProductName()));
    }

    /** Analyzes the work tables whose statistics fell behind; returns their names. */
    @Scheduled(fixedDelayString = "${pocketgrid.statistics-interval:10s}", initialDelayString = "${pocketgrid.statistics-interval:10s}")
    public List<String> refresh() {
        if (!postgres) {
            return List.of();
        }
        List<String> stale = jdbc.queryForList("""
                SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
                WHERE s.schemaname = current_schema() AND s.relname = ANY(?)
                  AND s.n_mod_since_analyze > GREATEST(?, c.reltuples)
                  AND pg_has_role(c.relowner, 'USAGE')""", String.class,
                new SqlArrayValue("varchar", WORK_TABLES.toArray()), MIN_CHANGES).stream().filter(WORK_TABLES::contains).toList();
        for (String table : stale) {
            long started = System.nanoTime();
            jdbc.execute("ANALYZE " + table);
            log.info("analyzed {} for the planner ({} ms): it had changed more since the last analysis than its size",
                    table, (System.nanoTime() - started) / 1_000_000);
        }
        return stale;
    }
}
