package io.pocketgrid.portal.work;

import io.micrometer.core.instrument.MeterRegistry;
import io.pocketgrid.portal.api.ApiException.Kind;
import io.pocketgrid.portal.api.ApiException;
import io.pocketgrid.portal.storage.BlobStore;
import io.pocketgrid.portal.storage.Databases;
import io.pocketgrid.portal.storage.Utc;
import io.pocketgrid.portal.validation.JudgedTasks;
import io.pocketgrid.portal.validation.ResultStatus;
import io.pocketgrid.portal.validation.ValidationService;
import io.pocketgrid.portal.volunteer.VolunteerStanding;
import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Stores checked results in batches ({@link GroupCommit}, thread {@code pocketgrid-result-writes}): locks
 * their tasks (in id order, before anything else, so two replicas of one task never deadlock), refuses
 * banned volunteers and leases that ended meanwhile, marks the leases returned and stores the result
 * rows — one batched statement each — and then has validation judge them all. A lease can be returned
 * once: the conditional update finds it LEASED only the first time, and {@code result.assignment_id} is
 * unique besides.
 *
 * <p>On H2 a result is acknowledged only after a {@code CHECKPOINT}: H2's file mode writes commits to its
 * file in the background about every 500 ms, and a killed portal lost the results it had acknowledged in
 * that time (the crash drill {@code KillMidRunIT}: 54 of 324). PostgreSQL's commit is durable already.
 */
@Component
class ResultBatch {

    private final JdbcTemplate jdbc;
    private final ValidationService validation;
    private final BlobStore blobs;
    private final VolunteerStanding standing;
    private final TaskRows tasks;
    private final boolean postgres;

    private final GroupCommit<ResultWrite, Receipt> writer;

    ResultBatch(JdbcTemplate jdbc, TaskRows tasks, ValidationService validation, BlobStore blobs,
                VolunteerStanding standing, PlatformTransactionManager transactions, MeterRegistry meters) {
        this.tasks = tasks;
        this.standing = standing;
        this.jdbc = jdbc;
        this.validation = validation;
        this.blobs = blobs;
        this.postgres = Databases.isPostgres(jdbc);
        Runnable durable = Databases.isH2(jdbc) ? () -> jdbc.execute("CHECKPOINT") : () -> { };
        this.writer = new GroupCommit<>("result-writes", transactions, this::write, durable, meters);
    }

    /** Stores and judges a result with the others that arrive meanwhile; its receipt, or the refusal thrown. */
    Receipt store(ResultWrite result) {
        return writer.write(result);
    }

    @PreDestroy
    void stop() {
        writer.stop();
    }

    /** One batch, inside the writer's transaction. */
    void write(List<ResultWrite> ops) {
        if (ops.isEmpty()) {
            return;
        }
        List<ResultWrite> sorted = ops.stream().sorted(Comparator.comparingLong((ResultWrite op) -> op.taskId)
                .thenComparingLong(op -> op.leaseId)).toList();
        List<Long> taskIds = sorted.stream().map(op -> op.taskId).distinct().toList();
        List<JudgedTasks.Row> locked = tasks.lock(taskIds);
        Set<Long> banned = standing.bannedAmong(sorted.stream().map(op -> op.volunteerId).distinct().toList());
        List<ResultWrite> open = new ArrayList<>();
        for (ResultWrite op : sorted) {
            if (banned.contains(op.volunteerId)) {
                op.refuse(new ApiException(Kind.FORBIDDEN, "BANNED", "this volunteer may not compute here any more"));
            } else {
                open.add(op);
            }
        }
        Set<Long> returned = returnLeases(open);
        List<ResultWrite> accepted = new ArrayList<>();
        for (ResultWrite op : open) {
            // taken from the set: a second result for one lease in the same batch is refused like a later one
            if (returned.remove(op.leaseId)) {
                accepted.add(op);
            } else {
                op.refuse(ended(op.leaseId));
            }
        }
        if (accepted.isEmpty()) {
            return;
        }
        // the outputs commit with the rows that name them (in the database store: two batched statements)
        blobs.storeSmall(accepted.stream().map(op -> op.blob).toList());
        Map<Long, Long> resultIds = validation.store(accepted.stream().map(op -> new ValidationService.Received(op.leaseId,
                op.taskId, op.volunteerId, op.blob.sha256(), op.dims, op.elapsedMs, op.receivedAt)).toList());
        // judged in arrival order within each task, as if they had come one by one
        List<ResultWrite> arrivalOrder = accepted.stream().sorted(Comparator.comparingLong(op -> resultIds.get(op.leaseId)))
                .toList();
        List<ValidationService.Verdict> verdicts = validation.judge(arrivalOrder.stream()
                .map(op -> new ValidationService.Arrival(resultIds.get(op.leaseId), op.taskId, op.volunteerId, op.outputs,
                        op.spotCheck, null)).toList(), locked);
        for (int i = 0; i < arrivalOrder.size(); i++) {
            ValidationService.Verdict v = verdicts.get(i);
            arrivalOrder.get(i).succeed(new Receipt(v.status().name(), v.status() == ResultStatus.PENDING, v.microCredits()));
        }
    }

    /**
     * Marks the leases returned that are still open (not expired by the time their result came, not
     * returned before); their ids. One statement on PostgreSQL, a batch elsewhere.
     */
    private Set<Long> returnLeases(List<ResultWrite> open) {
        if (open.isEmpty()) {
            return Set.of();
        }
        if (postgres) {
            return new HashSet<>(jdbc.queryForList("""
                    UPDATE assignment a SET status = 'RETURNED' FROM unnest(?::bigint[], ?::varchar[]) AS v(id, received_at)
                    WHERE a.id = v.id AND a.status = 'LEASED' AND a.expires_at > v.received_at::timestamptz
                    RETURNING a.id""", Long.class, Databases.array("bigint", open, op -> op.leaseId),
                    Databases.array("varchar", open, op -> op.receivedAt.toString())));
        }
        int[] counts = jdbc.batchUpdate("UPDATE assignment SET status = 'RETURNED' WHERE id = ? AND status = 'LEASED'"
                + " AND expires_at > ?", open.stream().map(op -> new Object[] {op.leaseId,
                Utc.at(op.receivedAt)}).toList());
        Set<Long> returned = new HashSet<>();
        for (int i = 0; i < open.size(); i++) {
            if (counts[i] == 1) {
                returned.add(open.get(i).leaseId);
            }
        }
        return returned;
    }

    /** Why a lease could not be returned: it expired, or a result was sent for it already. */
    private ApiException ended(long leaseId) {
        AssignmentStatus status = AssignmentStatus.valueOf(jdbc.queryForObject("SELECT status FROM assignment WHERE id = ?",
                String.class, leaseId));
        if (status == AssignmentStatus.EXPIRED || status == AssignmentStatus.LEASED) {
            return new ApiException(Kind.GONE, "LEASE_EXPIRED", "lease " + leaseId + " has expired");
        }
        return new ApiException(Kind.CONFLICT, "ALREADY_SUBMITTED", "lease " + leaseId + " is " + status
                + "; a result can be sent once");
    }
}
