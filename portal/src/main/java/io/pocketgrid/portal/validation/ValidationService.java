package io.pocketgrid.portal.validation;

import io.pocketgrid.portal.credit.CreditService;
import io.pocketgrid.portal.storage.BlobStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Decides, each time a result arrives, whether its task now has a quorum of agreeing results.
 * The task row is locked first, so two results of one task are judged one after the other even
 * on several portal instances. The first result of the agreeing group is canonical; results that
 * disagree are invalid and count as errors; without a quorum the task asks for one more replica,
 * until {@code maxErrors} make it FAILED. Every valid replica earns credit once.
 */
@Service
public class ValidationService {

    private final JdbcTemplate jdbc;
    private final BlobStore blobs;
    private final CreditService credit;
    private final ServerCheck serverCheck;
    private final ValidationProperties properties;
    private final Clock clock;

    ValidationService(JdbcTemplate jdbc, BlobStore blobs, CreditService credit, ServerCheck serverCheck,
                      ValidationProperties properties, Clock clock) {
        this.serverCheck = serverCheck;
        this.properties = properties;
        this.jdbc = jdbc;
        this.blobs = blobs;
        this.credit = credit;
        this.clock = clock;
    }

    /** What became of the result that was just stored. */
    public record Verdict(String status, long microCredits) {
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public Verdict judge(long taskId, long newResultId) {
        TaskState task = lockTask(taskId);
        Instant now = clock.instant();
        List<Candidate> results = results(taskId);
        Candidate fresh = results.stream().filter(r -> r.id() == newResultId).findFirst().orElseThrow();
        if ("VALIDATED".equals(task.status())) {
            Candidate canonical = results.stream().filter(r -> r.id() == task.canonicalResultId()).findFirst().orElseThrow();
            return settle(task, fresh, task.agreement().agree(canonical.outputs(), fresh.outputs()), now);
        }
        if (!"OPEN".equals(task.status())) {
            mark(fresh.id(), "DISCARDED");
            return new Verdict("DISCARDED", 0);
        }
        if (task.quorum() == 1 && ThreadLocalRandom.current().nextDouble() < properties.serverCheckRate()
                && !task.agreement().agree(serverCheck.recompute(taskId), fresh.outputs())) {
            // a trusted volunteer's lone result failed the server's spot check: no credit, no trust,
            // and the task goes back to full replication
            mark(fresh.id(), "INVALID");
            resetTrust(fresh.volunteerId());
            // the invalid replica stays counted as returned, so the target grows by a full replication
            jdbc.update("UPDATE task SET error_count = error_count + 1, quorum = ?, target_replicas = target_replicas + ?,"
                    + " wanted = TRUE WHERE id = ?",
                    task.projectQuorum(), task.projectReplication(), taskId);
            return new Verdict("INVALID", 0);
        }
        List<Candidate> pending = results.stream().filter(r -> r.status().equals("PENDING")).toList();
        List<Candidate> group = largestAgreeingGroup(pending, task.agreement());
        if (group.size() >= task.quorum()) {
            Candidate canonical = group.get(0);
            jdbc.update("UPDATE task SET status = 'VALIDATED', canonical_result_id = ?, validated_at = ? WHERE id = ?",
                    canonical.id(), now.atOffset(ZoneOffset.UTC), taskId);
            Verdict verdict = null;
            // volunteer rows are updated in id order, so two validations never wait on each other
            for (Candidate r : pending.stream().sorted(java.util.Comparator.comparingLong(Candidate::volunteerId)).toList()) {
                Verdict v = settle(task, r, group.contains(r), now);
                if (r.id() == newResultId) {
                    verdict = v;
                }
            }
            completeProjectIfDone(task.projectId(), now);
            return verdict;
        }
        // returned replicas include any a spot check already judged invalid: they used up their slot
        long returned = pending.size() + results.stream().filter(r -> r.status().equals("INVALID")).count();
        if (returned >= task.targetReplicas()) {
            // every replica in flight came back and they do not agree: one more opinion is needed
            int errors = pending.size() - group.size();
            if (task.errorCount() + errors >= task.maxErrors()) {
                jdbc.update("UPDATE task SET status = 'FAILED', error_count = error_count + ? WHERE id = ?", errors, taskId);
                for (Candidate r : pending) {
                    mark(r.id(), "INVALID");
                    resetTrust(r.volunteerId());
                }
                completeProjectIfDone(task.projectId(), now);
                return new Verdict("INVALID", 0);
            }
            jdbc.update("UPDATE task SET target_replicas = target_replicas + 1, quorum = ?, wanted = TRUE WHERE id = ?",
                    Math.max(task.quorum(), task.projectQuorum()), taskId);
        }
        return new Verdict("PENDING", 0);
    }

    private Verdict settle(TaskState task, Candidate r, boolean valid, Instant now) {
        if (valid) {
            mark(r.id(), "VALID");
            long micro = CreditService.microCredits(task.flopsPerItem(), task.items());
            credit.grant(r.id(), r.volunteerId(), task.projectId(), micro, now);
            jdbc.update("UPDATE volunteer SET consecutive_valid = consecutive_valid + 1 WHERE id = ?", r.volunteerId());
            return new Verdict("VALID", micro);
        }
        mark(r.id(), "INVALID");
        jdbc.update("UPDATE task SET error_count = error_count + 1 WHERE id = ?", task.id());
        resetTrust(r.volunteerId());
        return new Verdict("INVALID", 0);
    }

    private static List<Candidate> largestAgreeingGroup(List<Candidate> pending, Agreement agreement) {
        List<Candidate> best = List.of();
        for (Candidate reference : pending) {
            List<Candidate> group = new ArrayList<>();
            for (Candidate other : pending) {
                if (other == reference || agreement.agree(reference.outputs(), other.outputs())) {
                    group.add(other);
                }
            }
            if (group.size() > best.size()) {
                // the earliest result of the group leads it, so it becomes canonical
                group.remove(reference);
                group.add(0, reference);
                best = group;
            }
        }
        return best;
    }

    private void completeProjectIfDone(long projectId, Instant now) {
        Integer open = jdbc.queryForObject("SELECT COUNT(*) FROM task WHERE project_id = ? AND status = 'OPEN'",
                Integer.class, projectId);
        if (open != null && open == 0) {
            jdbc.update("UPDATE project SET status = 'COMPLETED', completed_at = ? WHERE id = ? AND status = 'RUNNING'",
                    now.atOffset(ZoneOffset.UTC), projectId);
        }
    }

    private void mark(long resultId, String status) {
        jdbc.update("UPDATE result SET status = ? WHERE id = ?", status, resultId);
    }

    private void resetTrust(long volunteerId) {
        jdbc.update("UPDATE volunteer SET consecutive_valid = 0 WHERE id = ?", volunteerId);
    }

    private TaskState lockTask(long taskId) {
        // lock first, read after: portable across H2 and PostgreSQL (H2 has no FOR UPDATE OF)
        jdbc.queryForObject("SELECT id FROM task WHERE id = ? FOR UPDATE", Long.class, taskId);
        return jdbc.queryForObject("""
                SELECT t.id, t.project_id, t.status, t.quorum, t.target_replicas, t.error_count, t.canonical_result_id,
                       t.end_item - t.start_item, p.atol, p.rtol, p.output_item_dims, p.flops_per_item, p.max_errors, p.quorum, p.replication
                FROM task t JOIN project p ON p.id = t.project_id WHERE t.id = ?""",
                (rs, i) -> {
                    String[] outDims = rs.getString(11).isEmpty() ? new String[0] : rs.getString(11).split(",");
                    int itemSize = 1;
                    for (String d : outDims) {
                        itemSize *= Integer.parseInt(d);
                    }
                    return new TaskState(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getInt(4), rs.getInt(5),
                            rs.getInt(6), rs.getLong(7), rs.getInt(8),
                            new Agreement(rs.getDouble(9), rs.getDouble(10), itemSize, outDims.length == 1 && itemSize > 1),
                            rs.getLong(12), rs.getInt(13), rs.getInt(14), rs.getInt(15));
                }, taskId);
    }

    private List<Candidate> results(long taskId) {
        // an invalid result is listed (its slot counts) but never read: it takes no part in agreement
        return jdbc.query("SELECT id, volunteer_id, status, output_sha256 FROM result WHERE task_id = ?"
                        + " AND status IN ('PENDING', 'VALID', 'INVALID') ORDER BY id",
                (rs, i) -> new Candidate(rs.getLong(1), rs.getLong(2), rs.getString(3),
                        rs.getString(3).equals("INVALID") ? null : blobs.readFloats(rs.getString(4))), taskId);
    }

    private record TaskState(long id, long projectId, String status, int quorum, int targetReplicas, int errorCount,
                             long canonicalResultId, int items, Agreement agreement, long flopsPerItem, int maxErrors,
                             int projectQuorum, int projectReplication) {
    }

    private record Candidate(long id, long volunteerId, String status, float[] outputs) {
    }
}
