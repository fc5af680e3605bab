package io.pocketgrid.portal.work;

import io.pocketgrid.portal.api.ApiException;
import io.pocketgrid.portal.api.BodyTooLargeException;
import io.pocketgrid.portal.project.Dims;
import io.pocketgrid.portal.project.Project;
import io.pocketgrid.portal.project.ProjectService;
import io.pocketgrid.portal.storage.BlobStore;
import io.pocketgrid.portal.validation.ValidationService;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Accepts the outputs of a lease. Every check runs before anything is written; the result row and
 * the lease's state change commit together, and a unique key makes a second result impossible.
 */
@Service
public class ResultService {

    private final JdbcTemplate jdbc;
    private final ProjectService projects;
    private final LeaseTokens tokens;
    private final BlobStore blobs;
    private final ValidationService validation;
    private final Clock clock;

    ResultService(JdbcTemplate jdbc, ProjectService projects, LeaseTokens tokens, BlobStore blobs,
                  ValidationService validation, Clock clock) {
        this.validation = validation;
        this.jdbc = jdbc;
        this.projects = projects;
        this.tokens = tokens;
        this.blobs = blobs;
        this.clock = clock;
    }

    /**
     * What the worker hears back: {@code PENDING} (waiting for other replicas; credit follows if it
     * agrees), {@code VALID} (credited now), {@code INVALID} or {@code DISCARDED} (no credit).
     */
    public record Receipt(String status, boolean creditPending, long microCredits) {
    }

    @Transactional
    public Receipt submit(long volunteerId, long leaseId, String leaseToken, String dimsHeader, Long elapsedMs,
                          InputStream body) {
        AssignmentRow a = assignment(leaseId);
        if (!tokens.verify(leaseToken, leaseId, a.volunteerId())) {
            throw new ApiException(HttpStatus.FORBIDDEN, "BAD_LEASE_TOKEN", "the lease token is not valid for lease " + leaseId);
        }
        if (a.volunteerId() != volunteerId) {
            throw new ApiException(HttpStatus.FORBIDDEN, "NOT_YOUR_LEASE", "lease " + leaseId + " belongs to another volunteer");
        }
        if (Boolean.TRUE.equals(jdbc.queryForObject("SELECT banned FROM volunteer WHERE id = ?", Boolean.class, volunteerId))) {
            throw new ApiException(HttpStatus.FORBIDDEN, "BANNED", "this volunteer may not compute here any more");
        }
        if ("EXPIRED".equals(a.status())) {
            throw new ApiException(HttpStatus.GONE, "LEASE_EXPIRED", "lease " + leaseId + " expired at " + a.expiresAt());
        }
        if (!"LEASED".equals(a.status())) {
            throw new ApiException(HttpStatus.CONFLICT, "ALREADY_SUBMITTED", "lease " + leaseId + " is " + a.status()
                    + "; a result can be sent once");
        }
        Instant now = clock.instant();
        if (!a.expiresAt().isAfter(now)) {
            throw new ApiException(HttpStatus.GONE, "LEASE_EXPIRED", "lease " + leaseId + " expired at " + a.expiresAt());
        }
        Project project = projects.facts(a.projectId());
        int[] expected = Dims.prepend(a.end() - a.start(), project.getOutputItemDims());
        int[] dims = parseDims(dimsHeader);
        if (!Arrays.equals(expected, dims)) {
            throw shape("the result has dims " + Arrays.toString(dims) + " but this task needs " + Arrays.toString(expected));
        }
        byte[] bytes = readExactly(body, Math.toIntExact(4 * Dims.size(expected)));
        // lock the task before inserting: the result row's foreign key would otherwise share-lock it
        // first, and two replicas of one task arriving together would deadlock on PostgreSQL
        jdbc.queryForObject("SELECT id FROM task WHERE id = ? FOR UPDATE", Long.class, a.taskId());
        requireFinite(bytes);
        String sha = blobs.put(bytes);
        int updated = jdbc.update("UPDATE assignment SET status = 'RETURNED' WHERE id = ? AND status = 'LEASED'", leaseId);
        if (updated != 1) {
            throw new ApiException(HttpStatus.CONFLICT, "ALREADY_SUBMITTED", "lease " + leaseId + " was already submitted");
        }
        KeyHolder key = new GeneratedKeyHolder();
        jdbc.update(con -> {
            PreparedStatement ps = con.prepareStatement("INSERT INTO result (assignment_id, task_id, volunteer_id,"
                    + " output_sha256, output_dims, elapsed_ms, received_at, status)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING')", new String[] {"id"});
            ps.setLong(1, leaseId);
            ps.setLong(2, a.taskId());
            ps.setLong(3, volunteerId);
            ps.setString(4, sha);
            ps.setString(5, Dims.format(dims));
            ps.setObject(6, elapsedMs);
            ps.setObject(7, LeaseService.at(now));
            return ps;
        }, key);
        ValidationService.Verdict verdict = validation.judge(a.taskId(), key.getKey().longValue());
        return new Receipt(verdict.status(), verdict.status().equals("PENDING"), verdict.microCredits());
    }

    /** Gives a lease back unfinished, so its task goes to someone else at once instead of at expiry. */
    @Transactional
    public void release(long volunteerId, long leaseId, String leaseToken) {
        AssignmentRow a = assignment(leaseId);
        if (!tokens.verify(leaseToken, leaseId, a.volunteerId())) {
            throw new ApiException(HttpStatus.FORBIDDEN, "BAD_LEASE_TOKEN", "the lease token is not valid for lease " + leaseId);
        }
        if (a.volunteerId() != volunteerId) {
            throw new ApiException(HttpStatus.FORBIDDEN, "NOT_YOUR_LEASE", "lease " + leaseId + " belongs to another volunteer");
        }
        if (jdbc.update("UPDATE assignment SET status = 'GIVEN_BACK' WHERE id = ? AND status = 'LEASED'", leaseId) == 1) {
            jdbc.update("UPDATE task SET wanted = TRUE WHERE id = ? AND status = 'OPEN'", a.taskId());
        }
    }

    private AssignmentRow assignment(long leaseId) {
        List<AssignmentRow> rows = jdbc.query("""
                SELECT a.volunteer_id, a.status, a.expires_at, t.project_id, t.start_item, t.end_item, t.id
                FROM assignment a JOIN task t ON t.id = a.task_id WHERE a.id = ?""",
                (rs, i) -> new AssignmentRow(rs.getLong(1), rs.getString(2),
                        rs.getObject(3, java.time.OffsetDateTime.class).toInstant(), rs.getLong(4), rs.getInt(5),
                        rs.getInt(6), rs.getLong(7)), leaseId);
        if (rows.isEmpty()) {
            throw new ApiException(HttpStatus.NOT_FOUND, "UNKNOWN_LEASE", "there is no lease " + leaseId);
        }
        return rows.get(0);
    }

    private static int[] parseDims(String header) {
        try {
            return Dims.parse(header);
        } catch (IllegalArgumentException e) {
            throw shape("X-Tensor-Dims is malformed: " + e.getMessage());
        }
    }

    private static byte[] readExactly(InputStream body, int length) {
        try {
            byte[] bytes = body.readNBytes(length);
            if (bytes.length < length) {
                throw shape("the body has " + bytes.length + " bytes; the dims need " + length);
            }
            if (body.read() >= 0) {
                throw shape("the body is longer than the " + length + " bytes the dims need");
            }
            return bytes;
        } catch (BodyTooLargeException e) {
            throw ApiException.tooLarge(e.getMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("BAD_BODY", "the body could not be read: " + e.getMessage());
        }
    }

    private static void requireFinite(byte[] bytes) {
        FloatBuffer floats = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        for (int i = 0; i < floats.limit(); i++) {
            if (!Float.isFinite(floats.get(i))) {
                throw ApiException.badRequest("NON_FINITE", "output " + i + " is " + floats.get(i) + "; results must be finite");
            }
        }
    }

    private static ApiException shape(String message) {
        return ApiException.badRequest("SHAPE_MISMATCH", message);
    }

    private record AssignmentRow(long volunteerId, String status, Instant expiresAt, long projectId, int start, int end,
                                 long taskId) {
    }
}
