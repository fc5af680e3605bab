package io.pocketgrid.portal.validation;

import io.pocketgrid.portal.credit.CreditService;
import io.pocketgrid.portal.project.OutputLayout;
import io.pocketgrid.portal.project.Project;
import io.pocketgrid.portal.project.ProjectService;
import io.pocketgrid.portal.project.TaskStatus;
import io.pocketgrid.portal.storage.BlobStore;
import io.pocketgrid.portal.storage.Databases;
import io.pocketgrid.portal.volunteer.VolunteerStanding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The tasks and results one validation batch works on: read with two queries, changed in memory by
 * {@link ValidationService}, then written with one batched statement per table. Volunteer rows are
 * written in id order, so two batches never wait on each other in a cycle.
 */
@Component
class TaskBook {

    private final JdbcTemplate jdbc;
    private final NamedParameterJdbcTemplate named;
    private final CreditService credit;
    private final VolunteerStanding standing;
    private final ValidationProperties properties;

    private final ProjectService projects;
    private final JudgedTasks taskRows;
    private final SpotChecks spotChecks;
    private final boolean postgres;

    TaskBook(JdbcTemplate jdbc, CreditService credit, VolunteerStanding standing, ValidationProperties properties,
             ProjectService projects, JudgedTasks taskRows, SpotChecks spotChecks) {
        this.spotChecks = spotChecks;
        this.projects = projects;
        this.taskRows = taskRows;
        this.standing = standing;
        this.properties = properties;
        this.jdbc = jdbc;
        this.named = new NamedParameterJdbcTemplate(jdbc);
        this.credit = credit;
        this.postgres = Databases.isPostgres(jdbc);
    }

    /** A task as validation sees it; fields change in memory and are written at the end. */
    static final class Task {
        final long id;
        final long projectId;
        final int items;
        final Agreement agreement;
        final OutputLayout layout;
        final long flopsPerItem;
        final int maxErrors;
        final int projectQuorum;
        final int projectReplication;
        /**
         * Results a task may collect without a quorum before it fails: a full replication plus twice the
         * errors allowed, so a few volunteers sending garbage (each holds one replica of a task at most)
         * cannot use it up, while a model no two engines agree on is still given up in the end.
         */
        final int maxResults;
        final List<Result> results = new ArrayList<>();
        TaskStatus status;
        int quorum;
        int targetReplicas;
        int errorCount;
        long canonicalResultId;
        Instant validatedAt;
        boolean wanted;
        boolean changed;

        Task(JudgedTasks.Row row, Project project) {
            id = row.id();
            projectId = row.projectId();
            status = row.status();
            quorum = row.quorum();
            targetReplicas = row.targetReplicas();
            errorCount = row.errorCount();
            canonicalResultId = row.canonicalResultId();
            items = row.items();
            layout = new OutputLayout(project.getOutputs());
            agreement = Agreement.of(project.getAtol(), project.getRtol(), layout);
            flopsPerItem = project.getFlopsPerItem();
            maxErrors = project.getMaxErrors();
            projectQuorum = project.getQuorum();
            projectReplication = project.getReplication();
            maxResults = projectReplication + 2 * maxErrors;
        }

        Result result(long resultId) {
            return results.stream().filter(r -> r.id == resultId).findFirst().orElseThrow();
        }

        List<Result> results(ResultStatus wantedStatus) {
            return results.stream().filter(r -> r.status == wantedStatus).toList();
        }

        void validate(long canonical, Instant at) {
            status = TaskStatus.VALIDATED;
            canonicalResultId = canonical;
            validatedAt = at;
            changed = true;
        }

        void fail() {
            status = TaskStatus.FAILED;
            changed = true;
        }

        /** How many of the task's results are outside the largest agreeing group so far. */
        void disagreements(int errors) {
            errorCount = errors;
            changed = true;
        }

        void addError() {
            errorCount++;
            changed = true;
        }

        /** The task needs one more replica: offer it again. */
        void wantMore() {
            wanted = true;
            changed = true;
        }
    }

    /**
     * A result of a task; its outputs are read from the blob store only when validation needs them.
     * {@code reliable} when its volunteer had a good record as the batch began.
     */
    static final class Result {
        final long id;
        final long volunteerId;
        final boolean reliable;
        final String sha;
        ResultStatus status;
        private float[] outputs;
        private final StoredOutputs stored;
        private final Task task;

        Result(long id, long volunteerId, boolean reliable, ResultStatus status, String sha, float[] outputs,
               StoredOutputs stored, Task task) {
            this.task = task;
            this.id = id;
            this.volunteerId = volunteerId;
            this.reliable = reliable;
            this.status = status;
            this.sha = sha;
            this.outputs = outputs;
            this.stored = stored;
        }

        float[] outputs() {
            if (outputs == null) {
                outputs = task.layout.values(stored.get(sha), task.items, false);
            }
            return outputs;
        }
    }

    /**
     * The stored outputs of a batch's earlier results, read all at once the first time one is needed:
     * one query per batch at most, not one per result, in the result writer's transaction.
     */
    static final class StoredOutputs {
        private final BlobStore blobs;
        private final java.util.Set<String> wanted = new java.util.LinkedHashSet<>();
        private Map<String, byte[]> read;

        StoredOutputs(BlobStore blobs) {
            this.blobs = blobs;
        }

        void want(String sha) {
            wanted.add(sha);
        }

        byte[] get(String sha) {
            if (read == null || !read.containsKey(sha)) {
                wanted.add(sha);
                read = blobs.readAll(wanted);
            }
            return read.get(sha);
        }
    }

    /** The batch of these arrivals, their tasks taken from the rows the caller locked (and read) in this transaction. */
    Batch open(List<ValidationService.Arrival> arrivals, List<JudgedTasks.Row> locked, BlobStore blobs) {
        List<Long> ids = arrivals.stream().map(ValidationService.Arrival::taskId).distinct().sorted().toList();
        Map<Long, Task> tasks = new LinkedHashMap<>();
        MapSqlParameterSource params = new MapSqlParameterSource("ids", new SqlArrayValue("BIGINT", ids.toArray()));
        Set<Long> wanted = new HashSet<>(ids);
        for (JudgedTasks.Row row : locked) {
            if (wanted.contains(row.id())) {
                tasks.put(row.id(), new Task(row, projects.facts(row.projectId())));
            }
        }
        if (tasks.size() != ids.size()) {
            throw new IllegalStateException("tasks " + ids + " were not all locked by the caller");
        }
        Map<Long, float[]> fresh = new HashMap<>();
        StoredOutputs stored = new StoredOutputs(blobs);
        arrivals.forEach(a -> fresh.put(a.resultId(), a.outputs()));
        // an invalid result is listed (its slot counts) but never read: it takes no part in agreement
        named.query("""
                SELECT r.id, r.task_id, r.volunteer_id, r.status, r.output_sha256, v.valid_results, v.invalid_results
                FROM result r JOIN volunteer v ON v.id = r.volunteer_id
                WHERE r.task_id = ANY(:ids) AND r.status IN ('PENDING', 'VALID', 'INVALID') ORDER BY r.id""", params,
                rs -> {
                    // a result of this batch stays out of sight until its own turn comes
                    long id = rs.getLong(1);
                    if (!fresh.containsKey(id) && !ResultStatus.INVALID.name().equals(rs.getString(4))) {
                        stored.want(rs.getString(5));
                    }
                    Task task = tasks.get(rs.getLong(2));
                    task.results.add(new Result(id, rs.getLong(3), properties.reliable(rs.getInt(6), rs.getInt(7)),
                            fresh.containsKey(id) ? ResultStatus.UNSEEN : ResultStatus.valueOf(rs.getString(4)), rs.getString(5), fresh.get(id), stored, task));
                });
        return new Batch(tasks);
    }

    /** The changes of one batch, written by {@link #write}. */
    final class Batch {
        private final Map<Long, Task> tasks;
        private final Map<Long, ResultStatus> marks = new TreeMap<>();
        private final List<CreditService.Grant> grants = new ArrayList<>();
        // per volunteer: {1 if trust was reset, valid results since (or in all), micro-credits,
        //                valid results, invalid results}
        private final Map<Long, long[]> volunteers = new TreeMap<>();
        private final List<SpotChecks.Job> checks = new ArrayList<>();

        Batch(Map<Long, Task> tasks) {
            this.tasks = tasks;
        }

        Task task(long id) {
            return tasks.get(id);
        }

        void mark(Result r, ResultStatus status) {
            r.status = status;
            marks.put(r.id, status);
        }

        /** A lone result the server is to recompute before it is judged: it stays PENDING till then. */
        void checkLater(Result r, Task task) {
            checks.add(new SpotChecks.Job(r.id, task.id));
        }

        void resetTrust(long volunteerId) {
            long[] v = volunteers.computeIfAbsent(volunteerId, id -> new long[5]);
            v[0] = 1;
            v[1] = 0;
        }

        /** A quorum or a spot check proved this volunteer's result wrong: it loses its trust and it counts. */
        void charge(long volunteerId) {
            resetTrust(volunteerId);
            volunteers.get(volunteerId)[4]++;
        }

        void credit(Result r, Task task, long micro) {
            grants.add(new CreditService.Grant(r.id, r.volunteerId, task.projectId, micro));
            long[] v = volunteers.computeIfAbsent(r.volunteerId, id -> new long[5]);
            v[1]++;
            v[2] += micro;
            v[3]++;
        }

        void write(Instant now) {
            List<Map.Entry<Long, ResultStatus>> marked = List.copyOf(marks.entrySet());
            if (postgres && !marked.isEmpty()) {
                jdbc.update("UPDATE result r SET status = v.status FROM unnest(?::bigint[], ?::varchar[]) AS v(id, status)"
                        + " WHERE r.id = v.id", Databases.array("bigint", marked, Map.Entry::getKey),
                        Databases.array("varchar", marked, e -> e.getValue().name()));
            } else {
                jdbc.batchUpdate("UPDATE result SET status = ? WHERE id = ?",
                        marked.stream().map(e -> new Object[] {e.getValue().name(), e.getKey()}).toList());
            }
            List<Task> changed = tasks.values().stream().filter(t -> t.changed).toList();
            taskRows.write(changed.stream().map(t -> new JudgedTasks.Change(t.id, t.status, t.quorum, t.targetReplicas,
                    t.errorCount, t.canonicalResultId == 0 ? null : t.canonicalResultId, t.validatedAt, t.wanted)).toList());
            credit.record(grants, now);
            standing.record(volunteers.entrySet().stream().map(e -> new VolunteerStanding.Outcome(e.getKey(),
                    e.getValue()[0] == 1, e.getValue()[1], e.getValue()[2], e.getValue()[3], e.getValue()[4])).toList());
            TreeSet<Long> finished = new TreeSet<>();
            changed.stream().filter(t -> t.status != TaskStatus.OPEN).forEach(t -> finished.add(t.projectId));
            projects.completeIfDone(finished, now);
            if (!checks.isEmpty()) {
                spotChecks.insert(checks, now);
                List<SpotChecks.Job> committed = List.copyOf(checks);
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void afterCommit() {
                        spotChecks.offer(committed);
                    }
                });
            }
            List<Long> distrusted = volunteers.entrySet().stream().filter(e -> e.getValue()[0] == 1).map(Map.Entry::getKey)
                    .toList();
            if (!distrusted.isEmpty()) {
                // the lease path must not go on trusting them from its cache
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void afterCommit() {
                        distrusted.forEach(standing::forget);
                    }
                });
            }
        }
    }
}
