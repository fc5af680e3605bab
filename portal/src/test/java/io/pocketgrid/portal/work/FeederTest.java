package io.pocketgrid.portal.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pocketgrid.portal.config.InstanceId;
import io.pocketgrid.portal.project.ProjectQueries;
import io.pocketgrid.portal.storage.Utc;
import io.pocketgrid.portal.support.MemoryDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * The feeder on a real (in-memory H2) database with the portal's migrations: which replicas it hands
 * out from memory, how two instances share one task table, and how a large fresh task is cut. The
 * list of running projects is the one seam stood in for (it is {@code project}'s query).
 */
class FeederTest {

    private static final long PROJECT = 1;
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    private JdbcTemplate jdbc;
    private DataSourceTransactionManager transactions;

    @BeforeEach
    void database() {
        javax.sql.DataSource ds = MemoryDatabase.migrated("feeder");
        transactions = new DataSourceTransactionManager(ds);
        // the project row is project's business: the feeder reads tasks and assignments only
        jdbc = MemoryDatabase.withoutForeignKeys(ds);
    }

    /** A feeder whose refills ahead of need run at once, on the lease's thread, so each test is one sequence. */
    private Feeder feeder(String instance) {
        return feeder(instance, Runnable::run);
    }

    private Feeder feeder(String instance, java.util.concurrent.Executor refills) {
        InstanceId id = mock(InstanceId.class);
        when(id.run()).thenReturn(instance);
        ProjectQueries projects = mock(ProjectQueries.class);
        when(projects.running()).thenReturn(List.of(new ProjectQueries.Running(PROJECT, 1)));
        return new Feeder(jdbc, projects, transactions, id, new SimpleMeterRegistry(), refills);
    }

    private int claimedTasks() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM task WHERE claimed_by IS NOT NULL", Integer.class);
    }

    private long task(int start, int end, int replicas) {
        jdbc.update("INSERT INTO task (project_id, start_item, end_item, status, quorum, target_replicas, wanted)"
                + " VALUES (?, ?, ?, 'OPEN', ?, ?, TRUE)", PROJECT, start, end, replicas, replicas);
        return jdbc.queryForObject("SELECT MAX(id) FROM task", Long.class);
    }

    private static Optional<Feeder.Pick> take(Feeder feeder, long volunteer, Instant at) {
        return feeder.take(volunteer, false, project -> 1000, at);
    }

    @Test
    void eachVolunteerGetsOneReplicaOfATaskAndNoTaskMoreThanItsReplicas() {
        Set<Long> tasks = Set.of(task(0, 10, 2), task(10, 20, 2), task(20, 30, 2));
        Feeder feeder = feeder("a/1");
        Map<Long, List<Long>> byVolunteer = new java.util.TreeMap<>();
        for (long volunteer = 1; volunteer <= 3; volunteer++) {
            for (int i = 0; i < 4; i++) {
                Optional<Feeder.Pick> pick = take(feeder, volunteer, NOW);
                if (pick.isPresent()) {
                    byVolunteer.computeIfAbsent(volunteer, v -> new ArrayList<>()).add(pick.get().slot().taskId);
                }
            }
        }
        // two volunteers hold every task once each; the third finds nothing left
        assertThat(byVolunteer.get(1L)).containsExactlyInAnyOrderElementsOf(tasks);
        assertThat(byVolunteer.get(2L)).containsExactlyInAnyOrderElementsOf(tasks);
        assertThat(byVolunteer).doesNotContainKey(3L);
        assertThat(jdbc.queryForList("SELECT DISTINCT claimed_by FROM task", String.class))
                .singleElement().asString().startsWith("a/1/");
    }

    @Test
    void aTaskAVolunteerHeldBeforeIsNotOfferedToItAgain() {
        long held = task(0, 10, 2);
        jdbc.update("INSERT INTO assignment (task_id, volunteer_id, status, issued_at, expires_at, issued_by)"
                + " VALUES (?, 1, 'EXPIRED', ?, ?, 'a')", held, Utc.at(NOW.minusSeconds(600)), Utc.at(NOW.minusSeconds(300)));
        long other = task(10, 20, 2);
        Feeder feeder = feeder("a/1");
        assertThat(take(feeder, 1, NOW)).get().extracting(p -> p.slot().taskId).isEqualTo(other);
        assertThat(take(feeder, 1, NOW)).isEmpty();
        // the expired lease frees its replica: a newcomer gets both tasks, the first one not as a fresh task
        Feeder.Pick first = take(feeder, 2, NOW).orElseThrow();
        Feeder.Pick second = take(feeder, 2, NOW).orElseThrow();
        assertThat(List.of(first.slot().taskId, second.slot().taskId)).containsExactlyInAnyOrder(held, other);
        assertThat(first.slot().taskId == held ? first.fresh() : second.fresh()).isFalse();
    }

    @Test
    void twoInstancesNeverClaimTheSameTaskUntilTheClaimLapses() {
        List<Long> tasks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            tasks.add(task(i * 10, i * 10 + 10, 1));
        }
        Feeder a = feeder("a/1");
        Feeder b = feeder("b/1");
        Set<Long> fromA = new HashSet<>();
        Set<Long> fromB = new HashSet<>();
        for (long volunteer = 1; volunteer <= 8; volunteer++) {
            take(a, volunteer, NOW).ifPresent(p -> fromA.add(p.slot().taskId));
            take(b, 100 + volunteer, NOW).ifPresent(p -> fromB.add(p.slot().taskId));
        }
        assertThat(fromA).isNotEmpty().doesNotContainAnyElementsOf(fromB);
        assertThat(fromB).isNotEmpty();
        assertThat(jdbc.queryForList("SELECT claimed_by FROM task WHERE id = ANY(?)", String.class,
                new org.springframework.jdbc.support.SqlArrayValue("BIGINT", fromA.toArray())))
                .allMatch(c -> c.startsWith("a/1/"));
        // an instance that claimed a task and was not heard of again: after the claim the other takes it over
        long orphan = task(100, 110, 1);
        jdbc.update("UPDATE task SET claimed_by = 'gone/1/1', claimed_until = ? WHERE id = ?",
                Utc.at(NOW.plus(Feeder.CLAIM)), orphan);
        Instant later = NOW.plus(Feeder.CLAIM).plusSeconds(1);
        Set<Long> afterwards = new HashSet<>();
        for (long volunteer = 200; volunteer < 210; volunteer++) {
            take(b, volunteer, later).ifPresent(p -> afterwards.add(p.slot().taskId));
        }
        assertThat(fromB).doesNotContain(orphan);
        assertThat(afterwards).contains(orphan);
    }

    @Test
    void aFreshTaskLargerThanTheDeviceTakesIsCutAndTheRestBecomesATask() {
        long big = task(0, 100, 1);
        Feeder.Pick pick = feeder("a/1").take(1, false, project -> 16, NOW).orElseThrow();
        assertThat(pick.slot().taskId).isEqualTo(big);
        assertThat(pick.slot().end - pick.slot().start).isEqualTo(16);
        List<int[]> rows = jdbc.query("SELECT start_item, end_item FROM task WHERE status = 'OPEN' ORDER BY start_item",
                (rs, i) -> new int[] {rs.getInt(1), rs.getInt(2)});
        assertThat(rows).containsExactly(new int[] {0, 16}, new int[] {16, 100});
    }

    @Test
    void theNextBatchIsClaimedAheadOfNeedOffTheLeaseAndOnceAtATime() {
        List<Long> tasks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            tasks.add(task(i * 10, i * 10 + 10, 1));
        }
        List<Runnable> queued = new ArrayList<>();
        Feeder feeder = feeder("a/1", queued::add);
        List<Long> leased = new ArrayList<>();
        // the first lease finds the queue empty and claims the smallest batch (4) itself
        leased.add(take(feeder, 1, NOW).orElseThrow().slot().taskId);
        assertThat(claimedTasks()).isEqualTo(4);
        assertThat(queued).isEmpty();
        // down to half a batch: the next batch is handed to the feeder's thread, not claimed on the lease
        leased.add(take(feeder, 2, NOW).orElseThrow().slot().taskId);
        assertThat(queued).hasSize(1);
        assertThat(claimedTasks()).isEqualTo(4);
        // while it has not run, leases go on from memory and no second refill is queued
        leased.add(take(feeder, 3, NOW).orElseThrow().slot().taskId);
        assertThat(queued).hasSize(1);
        queued.remove(0).run();
        assertThat(claimedTasks()).isEqualTo(8);
        for (long volunteer = 4; volunteer <= 8; volunteer++) {
            leased.add(take(feeder, volunteer, NOW).orElseThrow().slot().taskId);
        }
        assertThat(leased).containsExactlyInAnyOrderElementsOf(tasks);
        assertThat(take(feeder, 9, NOW)).isEmpty();
    }

    @Test
    void aTaskWantedAgainIsLeasedAtOnceAfterARefillAheadFoundNothing() {
        long only = task(0, 10, 2);
        Feeder feeder = feeder("a/1");
        assertThat(take(feeder, 1, NOW)).get().extracting(p -> p.slot().taskId).isEqualTo(only);
        // the last replica goes out (the lease writer ends the claim); the refill ahead that follows finds nothing
        assertThat(take(feeder, 2, NOW)).get().extracting(p -> p.slot().taskId).isEqualTo(only);
        jdbc.update("UPDATE task SET claimed_by = NULL, claimed_until = NULL, wanted = FALSE WHERE id = ?", only);
        // the two results disagree: validation offers the task again (a third replica)
        jdbc.update("UPDATE task SET wanted = TRUE, target_replicas = 3 WHERE id = ?", only);
        assertThat(take(feeder, 3, NOW.plusMillis(10))).get().extracting(p -> p.slot().taskId).isEqualTo(only);
    }
}
