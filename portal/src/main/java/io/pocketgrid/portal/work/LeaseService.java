package io.pocketgrid.portal.work;

import io.pocketgrid.portal.api.ApiException;
import io.pocketgrid.portal.config.PocketGridProperties;
import io.pocketgrid.portal.project.Dims;
import io.pocketgrid.portal.project.Project;
import io.pocketgrid.portal.project.ProjectService;
import io.pocketgrid.portal.validation.ValidationProperties;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Hands out replicas: an open task of a running project that still needs replicas and that this
 * volunteer has never held. Expired leases stop counting, so their task goes to someone else.
 */
@Service
public class LeaseService {

    private static final String CANDIDATES = """
            SELECT t.id, t.project_id, t.start_item, t.end_item,
                   (SELECT COUNT(*) FROM assignment a WHERE a.task_id = t.id) AS ever_leased
            FROM task t
            WHERE t.project_id = ? AND t.wanted = TRUE AND t.status = 'OPEN'
              AND NOT EXISTS (SELECT 1 FROM assignment a WHERE a.task_id = t.id AND a.volunteer_id = ?)
            ORDER BY t.id FETCH FIRST 4 ROWS ONLY""";

    private final JdbcTemplate jdbc;
    private final ProjectService projects;
    private final LeaseTokens tokens;
    private final PocketGridProperties properties;
    private final ValidationProperties validation;
    private final Clock clock;

    LeaseService(JdbcTemplate jdbc, ProjectService projects, LeaseTokens tokens, PocketGridProperties properties,
                 ValidationProperties validation, Clock clock) {
        this.validation = validation;
        this.jdbc = jdbc;
        this.projects = projects;
        this.tokens = tokens;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * A replica for this volunteer, or empty when no running project has one. Projects are tried in
     * a random order weighted by priority (fair share); a candidate task is locked with SKIP LOCKED
     * and its replica count checked again under the lock, so concurrent leases (also from other
     * portal instances) never exceed a task's target.
     */
    @Transactional
    public Optional<Lease> lease(long volunteerId, LeaseRequest request) {
        Instant now = clock.instant();
        checkVolunteer(volunteerId, now);
        for (long projectId : projectsByFairShare()) {
            List<TaskRow> candidates = jdbc.query(CANDIDATES, (rs, i) -> new TaskRow(rs.getLong(1), rs.getLong(2),
                    rs.getInt(3), rs.getInt(4), rs.getInt(5) == 0), projectId, volunteerId);
            for (TaskRow task : candidates) {
                if (lock(task.id(), now)) {
                    return Optional.of(grant(task, volunteerId, now));
                }
            }
        }
        return Optional.empty();
    }

    private Lease grant(TaskRow task, long volunteerId, Instant now) {
        Project project = projects.facts(task.projectId());
        if (task.fresh() && trusted(volunteerId)) {
            // adaptive replication: a trusted volunteer computes this task alone, unless it is spot-checked
            jdbc.update("UPDATE task SET quorum = 1, target_replicas = 1, wanted = FALSE WHERE id = ?", task.id());
        }
        Instant expires = now.plus(Duration.ofSeconds(Math.min(project.getDeadlineSeconds(),
                properties.leaseDuration().toSeconds())));
        long leaseId = insertAssignment(task.id(), volunteerId, now, expires);
        int items = task.end() - task.start();
        return new Lease(leaseId, tokens.issue(leaseId, volunteerId, expires.getEpochSecond()), task.id(),
                project.getModelSha256(), "/api/v1/models/" + project.getModelSha256(),
                "/api/v1/tasks/" + task.id() + "/input", project.getInputName(), project.getOutputName(),
                Dims.prepend(items, project.getItemDims()), Dims.prepend(items, project.getOutputItemDims()),
                expires, expires.toEpochMilli());
    }

    /** Locks the task unless another transaction holds it, and re-checks that it still needs a replica. */
    private boolean lock(long taskId, Instant now) {
        List<Long> locked = jdbc.queryForList("SELECT id FROM task WHERE id = ? AND status = 'OPEN' FOR UPDATE SKIP LOCKED",
                Long.class, taskId);
        if (locked.isEmpty()) {
            return false;
        }
        Integer free = jdbc.queryForObject("""
                SELECT t.target_replicas - (SELECT COUNT(*) FROM assignment a WHERE a.task_id = t.id
                       AND (a.status = 'RETURNED' OR (a.status = 'LEASED' AND a.expires_at > ?)))
                FROM task t WHERE t.id = ?""", Integer.class, at(now), taskId);
        if (free == null || free <= 1) {
            // this lease takes the last free replica (or there was none): stop offering the task
            jdbc.update("UPDATE task SET wanted = FALSE WHERE id = ?", taskId);
        }
        return free != null && free > 0;
    }

    private void checkVolunteer(long volunteerId, Instant now) {
        Boolean banned = jdbc.queryForObject("SELECT banned FROM volunteer WHERE id = ?", Boolean.class, volunteerId);
        if (Boolean.TRUE.equals(banned)) {
            throw new ApiException(HttpStatus.FORBIDDEN, "BANNED", "this volunteer may not compute here any more");
        }
        Integer open = jdbc.queryForObject("SELECT COUNT(*) FROM assignment WHERE volunteer_id = ? AND status = 'LEASED'"
                + " AND expires_at > ?", Integer.class, volunteerId, at(now));
        if (open != null && open >= properties.maxOpenLeases()) {
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "RATE_LIMITED", "this volunteer already holds " + open
                    + " open leases; finish or give one back first");
        }
    }

    /**
     * Ends leases past their deadline, then offers again every open task that has a free replica
     * and is not offered. The second step recomputes the {@code wanted} hint from the assignments
     * rather than trusting the last writer: a lease that set {@code wanted = FALSE} while this sweep
     * expired one of the task's leases would otherwise leave the task waiting for ever. Idempotent,
     * so every portal instance may run it; a race it loses is repaired by the next sweep.
     */
    @Scheduled(fixedDelayString = "${pocketgrid.lease-sweep-interval:5s}")
    @Transactional
    public void sweepExpired() {
        OffsetDateTime now = at(clock.instant());
        jdbc.update("UPDATE assignment SET status = 'EXPIRED' WHERE status = 'LEASED' AND expires_at <= ?", now);
        jdbc.update("""
                UPDATE task SET wanted = TRUE WHERE status = 'OPEN' AND wanted = FALSE
                  AND target_replicas > (SELECT COUNT(*) FROM assignment a WHERE a.task_id = task.id
                       AND (a.status = 'RETURNED' OR (a.status = 'LEASED' AND a.expires_at > ?)))""", now);
    }

    /** Running projects in a random order where a project of priority p comes first p times as often. */
    private List<Long> projectsByFairShare() {
        List<long[]> running = jdbc.query("SELECT id, priority FROM project WHERE status = 'RUNNING'",
                (rs, i) -> new long[] {rs.getLong(1), Math.max(1, rs.getInt(2))});
        ThreadLocalRandom random = ThreadLocalRandom.current();
        // weighted random order (Efraimidis–Spirakis): sort by u^(1/w), largest first
        return running.stream()
                .map(p -> new double[] {p[0], Math.pow(random.nextDouble(), 1.0 / p[1])})
                .sorted((a, b) -> Double.compare(b[1], a[1]))
                .map(p -> (long) p[0])
                .toList();
    }

    private long insertAssignment(long taskId, long volunteerId, Instant now, Instant expires) {
        KeyHolder key = new GeneratedKeyHolder();
        jdbc.update(con -> {
            PreparedStatement ps = con.prepareStatement("INSERT INTO assignment (task_id, volunteer_id, status, issued_at,"
                    + " expires_at) VALUES (?, ?, 'LEASED', ?, ?)", new String[] {"id"});
            ps.setLong(1, taskId);
            ps.setLong(2, volunteerId);
            ps.setObject(3, at(now));
            ps.setObject(4, at(expires));
            return ps;
        }, key);
        return key.getKey().longValue();
    }

    static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private boolean trusted(long volunteerId) {
        Integer streak = jdbc.queryForObject("SELECT consecutive_valid FROM volunteer WHERE id = ?", Integer.class,
                volunteerId);
        return streak != null && streak >= validation.trustedAfter()
                && ThreadLocalRandom.current().nextDouble() >= validation.spotCheckRate();
    }

    private record TaskRow(long id, long projectId, int start, int end, boolean fresh) {
    }
}
