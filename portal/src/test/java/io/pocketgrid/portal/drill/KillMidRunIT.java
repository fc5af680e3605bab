package io.pocketgrid.portal.drill;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.support.ApiClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Drill 4: honest volunteers work through a project of 200 tasks (replication 2, quorum 2) on the real portal,
 * which is killed (SIGKILL) twice at random moments and started again on the same database. When the project
 * is done, the database (read by the test) must have exactly one VALID canonical result per task, each
 * volunteer's credit equal to the sum over its VALID replicas, and a stored result for every result the
 * portal acknowledged. On H2 this drill first found the acknowledgements of the last ~500 ms before each kill
 * lost (16 of 370, 54 of 324): H2 writes commits to its file in the background; the result writer now
 * forces each batch to the file before answering ({@code ResultBatch}).
 */
class KillMidRunIT {

    private static final int TASKS = 200;
    private static final int VOLUNTEERS = 6;
    private static final Duration AT_MOST = Duration.ofSeconds(180);

    @TempDir
    Path dir;

    @Test
    void onPostgresEveryTaskEndsWithOneCanonicalResultCreditAddsUpAndNothingAcknowledgedIsLost() throws SQLException {
        drill("kill -9 mid-run, PostgreSQL", DrillDatabase.postgres("drill_kill_mid_run", 5432));
    }

    /**
     * Off by default ({@code -Dpocketgrid.drill.h2=true} runs it): on H2 2.5.252 it once also found the portal
     * wedged after the second restart, its result writer spinning in H2's row locking (TxDecisionMaker) on a
     * lock no live transaction held, and every later result waiting for it; a drill that may hang has no place
     * in every build until that is understood.
     */
    @Test
    @EnabledIfSystemProperty(named = "pocketgrid.drill.h2", matches = "true")
    void onH2EveryTaskEndsWithOneCanonicalResultCreditAddsUpAndNothingAcknowledgedIsLost() throws SQLException {
        drill("kill -9 mid-run, H2 file", DrillDatabase.h2(dir.resolve("portal")));
    }

    private void drill(String name, DrillDatabase db) throws SQLException {
        DrillLog log = new DrillLog(name);
        try {
            drill(log, db);
        } finally {
            log.report();
        }
    }

    private void drill(DrillLog log, DrillDatabase db) throws SQLException {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        long projectId;
        List<Volunteers.Ack> acks;
        List<String> volunteerIds;
        List<Long> kills = new ArrayList<>();
        List<String> args = new ArrayList<>(List.of("--pocketgrid.ledger.enabled=false", "--pocketgrid.lease-duration=5s"));
        args.addAll(db.portalArgs());
        try (PortalProcess portal = new PortalProcess(dir.resolve("portal"), args, db.portalEnv())) {
            log.event("portal ready in %.1f s (pid %d); seed %d", portal.start(), portal.pid(), seed);
            Volunteers.Project project = Volunteers.project(portal.port(), 2 * TASKS, 2, 2, 2);
            projectId = project.id();
            try (Volunteers volunteers = new Volunteers(portal.port(), VOLUNTEERS)) {
                volunteerIds = volunteers.ids();
                volunteers.start();
                // in acknowledged results, of which the project needs at least one per task (fewer than two: the
                // portal replicates less for volunteers with a good record)
                for (double[] window : new double[][] {{0.15, 0.40}, {0.55, 0.80}}) {
                    int at = (int) (TASKS * (window[0] + random.nextDouble() * (window[1] - window[0])));
                    volunteers.awaitAcks(at, AT_MOST);
                    long pid = portal.pid();
                    portal.kill();
                    long killedAt = System.currentTimeMillis();
                    kills.add(killedAt);
                    log.event("kill -9 portal pid %d after %d acknowledged results", pid, volunteers.acks().size());
                    double took = portal.start();
                    log.event("portal restarted in %.1f s (pid %d); %d volunteer calls failed meanwhile", took,
                            portal.pid(), volunteers.failuresBetween(killedAt, System.currentTimeMillis()).size());
                }
                awaitCompleted(new ApiClient(portal.port()), project);
                log.event("project COMPLETED");
                volunteers.stop();
                acks = volunteers.acks();
                log.event("%d results acknowledged, %d volunteer calls failed in all", acks.size(),
                        volunteers.failures().size());
            }
        }

        try (Connection c = db.connect()) {
            JdbcTemplate jdbc = new JdbcTemplate(new SingleConnectionDataSource(c, true));
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM task WHERE project_id = ?", Integer.class, projectId))
                    .isEqualTo(TASKS);
            assertThat(jdbc.queryForList("SELECT DISTINCT status FROM task WHERE project_id = ?", String.class, projectId))
                    .as("task statuses").containsExactly("VALIDATED");
            int badCanonical = jdbc.queryForObject("""
                    SELECT COUNT(*) FROM task t LEFT JOIN result r ON r.id = t.canonical_result_id
                    LEFT JOIN assignment a ON a.id = r.assignment_id
                    WHERE t.project_id = ? AND (r.id IS NULL OR r.status <> 'VALID' OR a.task_id <> t.id)""",
                    Integer.class, projectId);
            assertThat(badCanonical).as("tasks without one VALID canonical result of their own").isZero();

            // by lease and volunteer: a database that lost rows hands the same ids out again after the restart
            Set<String> stored = Set.copyOf(jdbc.queryForList("""
                    SELECT r.assignment_id || '/' || v.public_id FROM result r JOIN assignment a ON a.id = r.assignment_id
                    JOIN volunteer v ON v.id = a.volunteer_id""", String.class));
            List<Volunteers.Ack> lost = acks.stream().filter(a -> !stored.contains(a.leaseId() + "/" + a.volunteer()))
                    .toList();
            long checked = 0;
            for (String publicId : volunteerIds) {
                long total = jdbc.queryForObject("SELECT total_micro_credits FROM volunteer WHERE public_id = ?",
                        Long.class, publicId);
                // from the project's figures, not from the credit table: flops per item × items / 1000 per VALID replica
                long expected = jdbc.queryForObject("""
                        SELECT COALESCE(SUM(p.flops_per_item * (t.end_item - t.start_item) / 1000), 0)
                        FROM result r JOIN assignment a ON a.id = r.assignment_id JOIN task t ON t.id = a.task_id
                        JOIN project p ON p.id = t.project_id JOIN volunteer v ON v.id = a.volunteer_id
                        WHERE v.public_id = ? AND r.status = 'VALID'""", Long.class, publicId);
                assertThat(total).as("credit of volunteer %s", publicId).isEqualTo(expected);
                int credits = jdbc.queryForObject("""
                        SELECT COUNT(*) FROM credit c JOIN volunteer v ON v.id = c.volunteer_id WHERE v.public_id = ?""",
                        Integer.class, publicId);
                int valid = jdbc.queryForObject("""
                        SELECT COUNT(*) FROM result r JOIN assignment a ON a.id = r.assignment_id
                        JOIN volunteer v ON v.id = a.volunteer_id WHERE v.public_id = ? AND r.status = 'VALID'""",
                        Integer.class, publicId);
                assertThat(credits).as("credit rows of volunteer %s, one per VALID replica", publicId).isEqualTo(valid);
                checked += total;
            }
            Map<String, Object> figures = jdbc.queryForMap("""
                    SELECT COUNT(*) AS results, SUM(CASE WHEN status = 'VALID' THEN 1 ELSE 0 END) AS valid
                    FROM result""");
            log.event("found: %d tasks VALIDATED with one VALID canonical result each; %s results stored (%s VALID);"
                    + " %d micro-credits over %d volunteers, each equal to its VALID replicas; %d of %d acknowledged"
                    + " results missing%s", TASKS, figures.get(key(figures, "results")), figures.get(key(figures, "valid")),
                    checked, volunteerIds.size(), lost.size(), acks.size(),
                    lost.isEmpty() ? "" : " (" + lostDetail(lost, kills) + ")");
            assertThat(lost).as("acknowledged results missing from the database").isEmpty();
        }
    }

    private static String key(Map<String, Object> row, String name) {
        return row.keySet().stream().filter(k -> k.equalsIgnoreCase(name)).findFirst().orElseThrow();
    }

    /** How long before the next kill each lost acknowledgement came. */
    private static String lostDetail(List<Volunteers.Ack> lost, List<Long> kills) {
        return lost.stream().map(a -> kills.stream().filter(k -> k >= a.atMillis()).findFirst()
                .map(k -> (k - a.atMillis()) + " ms").orElse("after the last kill")).toList() + " before a kill";
    }

    private static void awaitCompleted(ApiClient api, Volunteers.Project project) {
        long deadline = System.nanoTime() + AT_MOST.toNanos();
        String status = "";
        while (System.nanoTime() < deadline) {
            ApiClient.Response r = api.get("/api/v1/projects/" + project.id(), project.ownerToken());
            status = r.status() == 200 ? r.json().get("status").asString() : "HTTP " + r.status();
            if (status.equals("COMPLETED")) {
                return;
            }
            PortalProcess.sleep(250);
        }
        throw new AssertionError("the project is " + status + " after " + AT_MOST);
    }
}
