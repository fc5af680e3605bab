package io.pocketgrid.portal.work;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.storage.PlannerStatistics;
import io.pocketgrid.portal.support.PortalProperties;
import io.pocketgrid.portal.support.PostgresSchema;
import io.pocketgrid.portal.support.TempDirs;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The worker protocol on the local PostgreSQL (database {@code test} at 127.0.0.1:5432, or the URL
 * in {@code -Dpocketgrid.pg.url}), in a schema of its own that is wiped before the run.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("postgres")
@Import(PostgresSchema.CleanThenMigrate.class)
class WorkApiPostgresIT extends WorkApiContract {

    static final String SCHEMA = "pocketgrid_work_it";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        PostgresSchema.register(registry, SCHEMA);
        PortalProperties.oneDemoRoundNoLedger(registry, TempDirs.create("pocketgrid-pg-it"));
        registry.add("pocketgrid.max-result-bytes", () -> MAX_RESULT_BYTES);
        registry.add("pocketgrid.max-open-leases", () -> MAX_OPEN_LEASES);
        // the test calls the statistics refresh itself
        registry.add("pocketgrid.statistics-interval", () -> "1h");
    }

    @Autowired
    PlannerStatistics statistics;

    @Test
    void validationReadsResultsThroughTheIndexOnceTheirTableGrew() {
        // 3,000 rows per work table in a cancelled project of their own, so the other tests' work is
        // untouched: volunteers who each gave a lease back, and results nobody judges
        jdbc.execute((ConnectionCallback<Object>) c -> {
            try (var s = c.createStatement()) {
                s.execute("""
                        INSERT INTO project (name, description, status, model_sha256, item_count, inputs_per_task,
                               replication, quorum, atol, rtol, deadline_seconds, flops_per_item, created_at)
                        SELECT 'statistics', '', 'CANCELLED', model_sha256, 3000, 1, 1, 1, atol, rtol, deadline_seconds,
                               flops_per_item, created_at
                        FROM project ORDER BY id FETCH FIRST 1 ROWS ONLY""");
                s.execute("""
                        INSERT INTO task (project_id, start_item, end_item, status, quorum, target_replicas, wanted)
                        SELECT p.id, g, g + 1, 'CANCELLED', 1, 1, FALSE FROM project p, generate_series(0, 2999) g
                        WHERE p.name = 'statistics'""");
                s.execute("""
                        INSERT INTO volunteer (public_id, token_sha256, created_at)
                        SELECT 'statistics-' || g, md5('statistics-' || g) || md5(g::text), now() FROM generate_series(0, 2999) g""");
                s.execute("""
                        INSERT INTO assignment (task_id, volunteer_id, status, issued_at, expires_at)
                        SELECT t.id, v.id, 'GIVEN_BACK', now(), now() FROM task t JOIN project p ON p.id = t.project_id
                          JOIN volunteer v ON v.public_id = 'statistics-' || t.start_item WHERE p.name = 'statistics'""");
                s.execute("""
                        INSERT INTO result (assignment_id, task_id, volunteer_id, output_sha256, output_dims, received_at, status)
                        SELECT a.id, a.task_id, a.volunteer_id, md5(a.id::text) || md5(a.task_id::text), '1', now(), 'DISCARDED'
                        FROM assignment a JOIN task t ON t.id = a.task_id JOIN project p ON p.id = t.project_id
                        WHERE p.name = 'statistics'""");
                // the table counters reach the statistics views within seconds; at once, here
                s.execute("SELECT pg_stat_force_next_flush()");
            }
            return null;
        });
        List<Long> tasks = jdbc.queryForList("SELECT t.id FROM task t JOIN project p ON p.id = t.project_id"
                + " WHERE p.name = 'statistics' ORDER BY t.id FETCH FIRST 50 ROWS ONLY", Long.class);

        assertThat(statistics.refresh()).contains("result", "assignment");
        // the read of validation's batch (TaskBook), planned as the portal's statement is
        String plan = String.join("\n", jdbc.queryForList("""
                EXPLAIN SELECT id, task_id, volunteer_id, status, output_sha256 FROM result WHERE task_id = ANY(?)
                  AND status IN ('PENDING', 'VALID', 'INVALID') ORDER BY id""", String.class,
                new SqlArrayValue("BIGINT", tasks.toArray())));
        assertThat(plan).contains("result_task_ix").doesNotContain("Seq Scan on result");
        assertThat(statistics.refresh()).doesNotContain("result", "assignment");
    }
}
