package io.pocketgrid.portal.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pocketgrid.portal.config.PocketGridProperties;
import io.pocketgrid.portal.credit.CreditTables;
import io.pocketgrid.portal.project.ProjectFacts;
import io.pocketgrid.portal.project.ProjectService;
import io.pocketgrid.portal.storage.BlobStore;
import io.pocketgrid.portal.storage.FileBlobStore;
import io.pocketgrid.portal.storage.Utc;
import io.pocketgrid.portal.support.MemoryDatabase;
import io.pocketgrid.portal.volunteer.VolunteerTables;
import io.pocketgrid.portal.work.WorkTables;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Validation's batches on a real (in-memory H2) database with the portal's migrations: results are
 * stored and judged as the result writer does it ({@link ValidationService#store}, then
 * {@link ValidationService#judge} in one transaction), and what {@link TaskBook} writes back — result and
 * task statuses, credit rows, volunteers' records — is read from the tables. The project's settings are
 * the one seam stood in for.
 */
class ValidationBatchTest {

    private static final long PROJECT = 1;
    private static final int ITEMS = 2;
    private static final int OUTPUT = 4;
    private static final long FLOPS = 5_000;
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    @TempDir
    Path dataDir;

    private JdbcTemplate jdbc;
    private TransactionTemplate tx;
    private BlobStore blobs;
    private ProjectService projects;
    private ValidationService validation;
    private SpotChecks spotChecks;
    private JudgedTasks tasks;
    private ServerCheck serverCheck;
    private long nextLease = 1;
    private int nextItem;

    @BeforeEach
    void setUp() {
        javax.sql.DataSource ds = MemoryDatabase.migrated("validation");
        tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
        // projects and leases are other features' rows: this test writes tasks, results and volunteers only
        jdbc = MemoryDatabase.withoutForeignKeys(ds);
        blobs = new FileBlobStore(new PocketGridProperties(dataDir, "files", 65536, 1 << 20));
        projects = mock(ProjectService.class);
        ValidationProperties properties = new ValidationProperties(10, 0.1, 0.0, 2, 5, Duration.ofSeconds(30));
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        spotChecks = new SpotChecks(jdbc, clock, new SimpleMeterRegistry());
        serverCheck = mock(ServerCheck.class);
        tasks = WorkTables.judgedTasks(jdbc);
        TaskBook book = new TaskBook(jdbc, CreditTables.service(jdbc), VolunteerTables.standing(jdbc), properties, projects,
                tasks, spotChecks);
        validation = new ValidationService(book, new ResultRows(jdbc), blobs, serverCheck, spotChecks, tasks, properties, clock, new DataSourceTransactionManager(ds),
                new SimpleMeterRegistry());
    }

    private void project(int quorum, int replication, int maxErrors) {
        var facts = ProjectFacts.of(PROJECT, quorum, replication, maxErrors, FLOPS, OUTPUT);
        when(projects.facts(PROJECT)).thenReturn(facts);
    }

    private long task(int quorum, int replicas) {
        int start = nextItem;
        nextItem += ITEMS;
        jdbc.update("INSERT INTO task (project_id, start_item, end_item, status, quorum, target_replicas)"
                + " VALUES (?, ?, ?, 'OPEN', ?, ?)", PROJECT, start, start + ITEMS, quorum, replicas);
        return jdbc.queryForObject("SELECT MAX(id) FROM task", Long.class);
    }

    private long volunteer() {
        String id = UUID.randomUUID().toString();
        jdbc.update("INSERT INTO volunteer (public_id, token_sha256, created_at) VALUES (?, ?, ?)", id,
                id.replace("-", "") + "00000000000000000000000000000000", Utc.at(NOW));
        return jdbc.queryForObject("SELECT id FROM volunteer WHERE public_id = ?", Long.class, id);
    }

    /** A result of {@code ITEMS} items whose values all equal {@code value}; {@code spotCheck}: picked for one. */
    private record Sent(long taskId, long volunteerId, float value, boolean spotCheck) {
        Sent(long taskId, long volunteerId, float value) {
            this(taskId, volunteerId, value, false);
        }
    }

    private static float[] filled(float value) {
        float[] v = new float[ITEMS * OUTPUT];
        java.util.Arrays.fill(v, value);
        return v;
    }

    /** Stores and judges these results as one batch of the result writer; their verdicts in order. */
    private List<ValidationService.Verdict> batch(Sent... results) {
        return tx.execute(status -> {
            // as the writer does: the tasks locked (and read) first
            List<JudgedTasks.Row> locked = tasks.lock(java.util.Arrays.stream(results).map(Sent::taskId).toList());
            List<ValidationService.Received> received = new ArrayList<>();
            List<BlobStore.Small> outputs = new ArrayList<>();
            List<float[]> values = new ArrayList<>();
            for (Sent s : results) {
                float[] v = filled(s.value());
                ByteBuffer bytes = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asFloatBuffer().put(v);
                BlobStore.Small blob = blobs.small(bytes.array());
                outputs.add(blob);
                values.add(v);
                received.add(new ValidationService.Received(nextLease++, s.taskId(), s.volunteerId(), blob.sha256(),
                        "[" + ITEMS + "," + OUTPUT + "]", 10L, NOW));
            }
            blobs.storeSmall(outputs);
            Map<Long, Long> ids = validation.store(received);
            List<ValidationService.Arrival> arrivals = new ArrayList<>();
            for (int i = 0; i < results.length; i++) {
                arrivals.add(new ValidationService.Arrival(ids.get(received.get(i).leaseId()), results[i].taskId(),
                        results[i].volunteerId(), values.get(i), results[i].spotCheck(), null));
            }
            return validation.judge(arrivals, locked);
        });
    }

    private List<String> resultStatuses(long taskId) {
        return jdbc.queryForList("SELECT status FROM result WHERE task_id = ? ORDER BY id", String.class, taskId);
    }

    private Map<String, Object> task(long id) {
        return jdbc.queryForMap("SELECT status, canonical_result_id, validated_at, target_replicas, wanted FROM task"
                + " WHERE id = ?", id);
    }

    private Map<String, Object> record(long volunteerId) {
        return jdbc.queryForMap("SELECT consecutive_valid, valid_results, invalid_results, total_micro_credits"
                + " FROM volunteer WHERE id = ?", volunteerId);
    }

    @Test
    void twoAgreeingReplicasValidateTheTaskAndEachEarnsItsCreditOnce() {
        project(2, 2, 3);
        long task = task(2, 2);
        long alice = volunteer();
        long bob = volunteer();
        assertThat(batch(new Sent(task, alice, 0.5f))).extracting(ValidationService.Verdict::status)
                .containsExactly(ResultStatus.PENDING);
        assertThat(task(task).get("STATUS")).isEqualTo("OPEN");
        verify(projects, never()).completeIfDone(argThat(ids -> !ids.isEmpty()), any());

        long micro = FLOPS * ITEMS / 1000;
        assertThat(batch(new Sent(task, bob, 0.5f + 1e-6f))).containsExactly(new ValidationService.Verdict(ResultStatus.VALID,
                micro));
        long first = jdbc.queryForObject("SELECT MIN(id) FROM result", Long.class);
        assertThat(task(task)).containsEntry("STATUS", "VALIDATED").containsEntry("CANONICAL_RESULT_ID", first);
        assertThat(task(task).get("VALIDATED_AT")).isNotNull();
        assertThat(resultStatuses(task)).containsExactly("VALID", "VALID");
        assertThat(jdbc.queryForList("SELECT volunteer_id FROM credit WHERE micro_credits = ? ORDER BY volunteer_id",
                Long.class, micro)).containsExactly(alice, bob);
        for (long v : List.of(alice, bob)) {
            assertThat(record(v)).containsEntry("CONSECUTIVE_VALID", 1).containsEntry("VALID_RESULTS", 1)
                    .containsEntry("INVALID_RESULTS", 0).containsEntry("TOTAL_MICRO_CREDITS", micro);
        }
        verify(projects).completeIfDone(argThat(ids -> ids.contains(PROJECT)), any());
    }

    @Test
    void aReplicaOutsideTheAgreeingGroupIsChargedToItsVolunteerAndEarnsNothing() {
        project(2, 2, 3);
        long task = task(2, 2);
        long alice = volunteer();
        long mallory = volunteer();
        long bob = volunteer();
        jdbc.update("UPDATE volunteer SET consecutive_valid = 7 WHERE id = ?", mallory);
        // two replicas that disagree: nobody is charged yet, one more replica is asked for
        assertThat(batch(new Sent(task, alice, 0.5f), new Sent(task, mallory, 9f)))
                .extracting(ValidationService.Verdict::status).containsExactly(ResultStatus.PENDING, ResultStatus.PENDING);
        assertThat(task(task)).containsEntry("STATUS", "OPEN").containsEntry("TARGET_REPLICAS", 3)
                .containsEntry("WANTED", true);
        assertThat(record(mallory)).containsEntry("INVALID_RESULTS", 0).containsEntry("CONSECUTIVE_VALID", 7);

        assertThat(batch(new Sent(task, bob, 0.5f))).extracting(ValidationService.Verdict::status)
                .containsExactly(ResultStatus.VALID);
        assertThat(resultStatuses(task)).containsExactly("VALID", "INVALID", "VALID");
        assertThat(record(mallory)).containsEntry("INVALID_RESULTS", 1).containsEntry("CONSECUTIVE_VALID", 0)
                .containsEntry("TOTAL_MICRO_CREDITS", 0L);
        assertThat(jdbc.queryForList("SELECT volunteer_id FROM credit ORDER BY volunteer_id", Long.class))
                .containsExactly(alice, bob);
    }

    @Test
    void resultsOfOneBatchAreJudgedInArrivalOrderAsIfTheyCameOneByOne() {
        project(2, 2, 3);
        long task = task(2, 2);
        long alice = volunteer();
        long bob = volunteer();
        assertThat(batch(new Sent(task, alice, 0.25f), new Sent(task, bob, 0.25f)))
                .extracting(ValidationService.Verdict::status).containsExactly(ResultStatus.PENDING, ResultStatus.VALID);
        assertThat(resultStatuses(task)).containsExactly("VALID", "VALID");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM credit", Integer.class)).isEqualTo(2);
    }

    @Test
    void aLateReplicaOfAValidatedTaskIsJudgedAgainstTheCanonicalResult() {
        project(2, 3, 3);
        long task = task(2, 3);
        long alice = volunteer();
        long bob = volunteer();
        long carol = volunteer();
        long dave = volunteer();
        batch(new Sent(task, alice, 1f), new Sent(task, bob, 1f));
        assertThat(batch(new Sent(task, carol, 1f))).extracting(ValidationService.Verdict::status)
                .containsExactly(ResultStatus.VALID);
        assertThat(batch(new Sent(task, dave, -1f))).extracting(ValidationService.Verdict::status)
                .containsExactly(ResultStatus.INVALID);
        assertThat(resultStatuses(task)).containsExactly("VALID", "VALID", "VALID", "INVALID");
        assertThat(record(dave)).containsEntry("INVALID_RESULTS", 1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM credit", Integer.class)).isEqualTo(3);
    }

    private long resultOf(long taskId) {
        return jdbc.queryForObject("SELECT MAX(id) FROM result WHERE task_id = ?", Long.class, taskId);
    }

    private List<Long> queuedChecks() {
        return jdbc.queryForList("SELECT result_id FROM spot_check ORDER BY result_id", Long.class);
    }

    @Test
    void aLoneResultPickedForASpotCheckWaitsForTheServerAndIsThenJudgedOnceAgainstIt() {
        project(1, 1, 3);
        long honestTask = task(1, 1);
        long lyingTask = task(1, 1);
        long alice = volunteer();
        long mallory = volunteer();
        assertThat(batch(new Sent(honestTask, alice, 0.5f, true), new Sent(lyingTask, mallory, 9f, true)))
                .extracting(ValidationService.Verdict::status).containsExactly(ResultStatus.PENDING, ResultStatus.PENDING);
        long honest = resultOf(honestTask);
        long lying = resultOf(lyingTask);
        assertThat(queuedChecks()).containsExactly(honest, lying);
        assertThat(resultStatuses(honestTask)).containsExactly("PENDING");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM credit", Integer.class)).isZero();

        // the server's recomputation agrees with alice's outputs, not with mallory's
        when(serverCheck.recompute(honestTask)).thenReturn(filled(0.5f));
        when(serverCheck.recompute(lyingTask)).thenReturn(filled(0.5f));
        validation.check(new SpotChecks.Job(honest, honestTask));
        validation.check(new SpotChecks.Job(lying, lyingTask));
        assertThat(resultStatuses(honestTask)).containsExactly("VALID");
        assertThat(task(honestTask).get("STATUS")).isEqualTo("VALIDATED");
        assertThat(resultStatuses(lyingTask)).containsExactly("INVALID");
        assertThat(task(lyingTask)).containsEntry("STATUS", "OPEN").containsEntry("WANTED", true);
        assertThat(record(mallory)).containsEntry("INVALID_RESULTS", 1).containsEntry("TOTAL_MICRO_CREDITS", 0L);
        assertThat(queuedChecks()).isEmpty();

        // a second instance that recomputed the same job (its sweep took it up) judges nothing again
        validation.check(new SpotChecks.Job(honest, honestTask));
        assertThat(jdbc.queryForList("SELECT volunteer_id FROM credit", Long.class)).containsExactly(alice);
        assertThat(record(alice)).containsEntry("VALID_RESULTS", 1);
    }

    @Test
    void aSpotCheckLostWithItsInstanceIsTakenUpOnceOverdueAndOneTheServerCannotRunAcceptsTheLoneResult() {
        project(1, 1, 3);
        long task = task(1, 1);
        long alice = volunteer();
        batch(new Sent(task, alice, 0.5f, true));
        long result = resultOf(task);
        assertThat(spotChecks.overdue(NOW, 10)).isEmpty();
        assertThat(spotChecks.overdue(NOW.plus(SpotChecks.OVERDUE).plusSeconds(1), 10))
                .containsExactly(new SpotChecks.Job(result, task));

        when(serverCheck.recompute(task)).thenThrow(new IllegalStateException("no such model"));
        validation.check(new SpotChecks.Job(result, task));
        assertThat(resultStatuses(task)).containsExactly("VALID");
        assertThat(queuedChecks()).isEmpty();
    }

    @Test
    void aResultPickedForASpotCheckOfATaskThatNeedsAQuorumIsJudgedAtOnce() {
        project(2, 2, 3);
        long task = task(2, 2);
        assertThat(batch(new Sent(task, volunteer(), 0.5f, true), new Sent(task, volunteer(), 0.5f, true)))
                .extracting(ValidationService.Verdict::status).containsExactly(ResultStatus.PENDING, ResultStatus.VALID);
        assertThat(queuedChecks()).isEmpty();
    }
}
