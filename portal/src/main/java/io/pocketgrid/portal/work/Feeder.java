package io.pocketgrid.portal.work;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pocketgrid.portal.config.InstanceId;
import io.pocketgrid.portal.project.ProjectQueries;
import io.pocketgrid.portal.project.ProjectStatusChanged;
import io.pocketgrid.portal.storage.Utc;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * PocketGrid's answer to BOINC's feeder: replicas are handed out from memory. The feeder claims a
 * batch of tasks that want replicas ({@code task.claimed_by}, one conditional UPDATE), counts their
 * free replicas and past holders once, and then serves leases without reading the database. Only
 * the claiming instance leases a claimed task, so several portal instances on one database never
 * over-issue a task; a claim lapses at {@code claimed_until}, and a slot is not used in the last
 * {@link #MARGIN} of its claim, so clocks a few seconds apart cannot overlap.
 *
 * <p>A project's queue is refilled ahead of need, on the feeder's own thread ({@code pocketgrid-feeder}),
 * once it is down to half a batch: a refill is three or four statements (5–10 ms on a busy machine), and
 * run on a lease request while holding the project's queue it held up every other lease of the project
 * meanwhile. A lease finds the queue empty, and refills it itself, only when demand outruns that.
 */
@Component
class Feeder {

    private static final Logger log = LoggerFactory.getLogger(Feeder.class);
    static final Duration CLAIM = Duration.ofSeconds(30);
    static final Duration MARGIN = Duration.ofSeconds(10);
    private static final int MIN_BATCH = 4;
    private static final int MAX_BATCH = 64;
    private static final int MAX_SLOTS = 512;
    private static final Duration IDLE_RETRY = Duration.ofSeconds(1);

    private final JdbcTemplate jdbc;
    private final NamedParameterJdbcTemplate named;
    private final TransactionTemplate tx;
    private final String instance;
    private final AtomicLong claims = new AtomicLong();
    private final Map<Long, Queue> queues = new ConcurrentHashMap<>();
    private final ProjectQueries projects;
    private volatile List<long[]> running = List.of();
    private volatile long runningReadAt;
    private final Executor refills;

    @Autowired
    Feeder(JdbcTemplate jdbc, ProjectQueries projects, PlatformTransactionManager transactions, InstanceId instanceId,
           MeterRegistry meters) {
        this(jdbc, projects, transactions, instanceId, meters, Executors.newSingleThreadExecutor(
                Thread.ofPlatform().name("pocketgrid-feeder").daemon().factory()));
    }

    @PreDestroy
    void stop() {
        if (refills instanceof ExecutorService own) {
            own.shutdownNow();
        }
    }

    /** {@code refills}: where refills ahead of need run (a test's runs them at once, on the lease's thread). */
    Feeder(JdbcTemplate jdbc, ProjectQueries projects, PlatformTransactionManager transactions, InstanceId instanceId,
           MeterRegistry meters, Executor refills) {
        this.refills = refills;
        this.projects = projects;
        this.instance = instanceId.run();
        this.tx = new TransactionTemplate(transactions);
        this.jdbc = jdbc;
        this.named = new NamedParameterJdbcTemplate(jdbc);
        Gauge.builder("pocketgrid.feeder.queued", this, Feeder::queuedReplicas)
                .description("replicas this instance has claimed and holds in memory, ready to lease").register(meters);
    }

    /** The free replicas in memory over all projects (read by the metrics scrape, not on the lease path). */
    int queuedReplicas() {
        int replicas = 0;
        for (Queue q : queues.values()) {
            synchronized (q) {
                for (Slot s : q.slots) {
                    replicas += Math.max(0, s.free);
                }
            }
        }
        return replicas;
    }

    /** A task whose replicas this instance may hand out until {@code usableUntil}. */
    static final class Slot {
        final long taskId;
        final long projectId;
        final int start;
        int end;
        final String claim;
        final Instant usableUntil;
        final Set<Long> holders;
        int free;
        boolean fresh;

        Slot(long taskId, long projectId, int start, int end, String claim, Instant usableUntil, Set<Long> holders,
             int free, boolean fresh) {
            this.taskId = taskId;
            this.projectId = projectId;
            this.start = start;
            this.end = end;
            this.claim = claim;
            this.usableUntil = usableUntil;
            this.holders = holders;
            this.free = free;
            this.fresh = fresh;
        }
    }

    /**
     * One replica taken from memory: {@code single} when a trusted volunteer computes a fresh task
     * alone; {@code exhausted} when it was the task's last free replica, so the claim ends with it;
     * {@code fresh} when it is the task's first replica ever.
     */
    record Pick(Slot slot, boolean single, boolean exhausted, boolean fresh) {
    }

    private static final class Queue {
        final ArrayDeque<Slot> slots = new ArrayDeque<>();
        Instant idleUntil = Instant.MIN;
        Instant lastRefill = Instant.MIN;
        int picksSinceRefill;
        /** A refill ahead of need is running on the feeder's thread. */
        boolean refilling;
        /** How many tasks the last refill asked for: the next one starts when half as many are left. */
        int lastBatch;
        /** A refill ahead of need found nothing: the next is not tried before this. */
        Instant aheadIdleUntil = Instant.MIN;

        /** A refill starts now: how many tasks it claims ({@link #batch}); demand is counted afresh from here. */
        int startRefill(Instant now) {
            int batch = batch(now);
            lastRefill = now;
            picksSinceRefill = 0;
            lastBatch = batch;
            return batch;
        }

        /**
         * How many tasks to claim: about half a second of this instance's recent demand, so an
         * instance with few volunteers does not hold tasks that another could hand out.
         */
        int batch(Instant now) {
            Instant since = lastRefill.isAfter(now.minusSeconds(60)) ? lastRefill : now.minusSeconds(60);
            double seconds = Math.max(0.05, Duration.between(since, now).toMillis() / 1000.0);
            int wanted = (int) Math.ceil(picksSinceRefill / seconds * 0.5);
            return Math.max(MIN_BATCH, Math.min(MAX_BATCH, wanted));
        }
    }

    /**
     * A replica for this volunteer from the running projects, tried in fair-share order. A task no
     * one has leased yet that is larger than {@code maxItems} (what this device computes in about a
     * minute, per project) is split first: this device gets the front, the rest becomes a new task.
     */
    Optional<Pick> take(long volunteerId, boolean trusted, ToIntFunction<Long> maxItems, Instant now) {
        for (long projectId : projectsByFairShare(now)) {
            Queue q = queues.computeIfAbsent(projectId, id -> new Queue());
            synchronized (q) {
                Pick pick = pick(q, volunteerId, trusted, now);
                if (pick == null && now.isAfter(q.idleUntil) && q.slots.size() < MAX_SLOTS) {
                    if (refill(q, projectId, now) == 0) {
                        q.idleUntil = now.plus(IDLE_RETRY);
                    }
                    pick = pick(q, volunteerId, trusted, now);
                }
                if (pick != null) {
                    q.picksSinceRefill++;
                    refillAhead(q, projectId, now);
                    Slot s = pick.slot();
                    int max = maxItems.applyAsInt(projectId);
                    if (pick.fresh() && s.end - s.start > max) {
                        split(s, s.start + max);
                    }
                    return Optional.of(pick);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Cuts a claimed task nobody has leased at {@code at}: it keeps the front, a new open task takes
     * the rest. Both statements only act while the task is still claimed here and unleased.
     */
    private void split(Slot s, int at) {
        tx.executeWithoutResult(status -> {
            int cut = jdbc.update("UPDATE task SET end_item = ? WHERE id = ? AND claimed_by = ? AND status = 'OPEN'"
                    + " AND NOT EXISTS (SELECT 1 FROM assignment a WHERE a.task_id = task.id)", at, s.taskId, s.claim);
            if (cut == 1) {
                jdbc.update("INSERT INTO task (project_id, start_item, end_item, status, quorum, target_replicas)"
                        + " SELECT project_id, ?, ?, 'OPEN', quorum, target_replicas FROM task WHERE id = ?",
                        at, s.end, s.taskId);
                s.end = at;
            }
        });
    }

    /** Forgets a slot the database refused (its task was validated, cancelled or claimed elsewhere). */
    void drop(Slot slot) {
        Queue q = queues.get(slot.projectId);
        if (q != null) {
            synchronized (q) {
                q.slots.remove(slot);
            }
        }
    }

    /**
     * A project was created, paused, resumed or cancelled here: forget its slots (their claims lapse
     * on their own) and read the running projects again at the next lease. Other instances notice
     * within a second; until then their inserts refuse replicas of a project that is not running.
     */
    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void projectChanged(ProjectStatusChanged event) {
        queues.remove(event.projectId());
        runningReadAt = 0;
    }

    private static Pick pick(Queue q, long volunteerId, boolean trusted, Instant now) {
        for (Iterator<Slot> it = q.slots.iterator(); it.hasNext(); ) {
            Slot s = it.next();
            if (!now.isBefore(s.usableUntil)) {
                it.remove();
                continue;
            }
            if (s.holders.add(volunteerId)) {
                boolean fresh = s.fresh;
                boolean single = fresh && trusted;
                s.fresh = false;
                s.free = single ? 0 : s.free - 1;
                if (s.free <= 0) {
                    it.remove();
                }
                return new Pick(s, single, s.free <= 0, fresh);
            }
        }
        return null;
    }

    /** Claims a batch of wanted tasks of a project now, on the lease's thread; returns how many slots it added. */
    private int refill(Queue q, long projectId, Instant now) {
        List<Slot> claimed = claim(projectId, q.startRefill(now), now);
        q.slots.addAll(claimed);
        return claimed.size();
    }

    /**
     * Once the queue is down to half a batch, claims the next batch on the feeder's thread: the statements
     * run without the queue's lock, which is taken again only to add the slots. One at a time per project.
     */
    private void refillAhead(Queue q, long projectId, Instant now) {
        if (q.refilling || q.slots.size() > q.lastBatch / 2 || !now.isAfter(q.idleUntil)
                || !now.isAfter(q.aheadIdleUntil)) {
            return;
        }
        int batch = q.startRefill(now);
        q.refilling = true;
        try {
            refills.execute(() -> {
                List<Slot> claimed = List.of();
                try {
                    claimed = claim(projectId, batch, now);
                } catch (RuntimeException e) {
                    // the next lease that finds the queue empty refills it itself, and reports what fails
                    log.warn("could not claim tasks of project {} ahead of need", projectId, e);
                } finally {
                    synchronized (q) {
                        q.slots.addAll(claimed);
                        q.refilling = false;
                        // nothing to claim ahead: not again for a while, but a lease that finds the
                        // queue empty still looks (a task may be wanted again by then)
                        if (claimed.isEmpty()) {
                            q.aheadIdleUntil = now.plus(IDLE_RETRY);
                        }
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            q.refilling = false;
        }
    }

    /** Claims up to {@code batch} wanted tasks of a project: their slots, not yet queued. */
    private List<Slot> claim(long projectId, int batch, Instant now) {
        // no ORDER BY: the rows come in the order of task_wanted_ix (id last) and the scan stops early;
        // with one, H2 reads and sorts every wanted task of the project on each refill
        List<Long> candidates = jdbc.queryForList("SELECT id FROM task WHERE project_id = ? AND wanted = TRUE"
                + " AND status = 'OPEN' AND (claimed_until IS NULL OR claimed_until < ?) FETCH FIRST ? ROWS ONLY", Long.class,
                projectId, Utc.at(now), 4 * batch);
        // another instance may win the first chunk at the same moment: then try the next one
        for (int from = 0; from < candidates.size(); from += batch) {
            List<Long> chunk = candidates.subList(from, Math.min(candidates.size(), from + batch));
            String claim = instance + "/" + claims.incrementAndGet();
            Instant until = now.plus(CLAIM);
            int won = named.update("""
                    UPDATE task SET claimed_by = :claim, claimed_until = :until WHERE id = ANY(:ids) AND status = 'OPEN'
                      AND wanted = TRUE AND (claimed_until IS NULL OR claimed_until < :now)""",
                    new MapSqlParameterSource("claim", claim).addValue("until", Utc.at(until))
                            .addValue("now", Utc.at(now))
                            .addValue("ids", ids(chunk)));
            if (won > 0) {
                return load(projectId, chunk, claim, now, until.minus(MARGIN));
            }
        }
        return List.of();
    }

    /** Counts the free replicas and past holders of the tasks just claimed: their slots. */
    private List<Slot> load(long projectId, List<Long> tried, String claim, Instant now, Instant usableUntil) {
        Map<Long, int[]> tasks = new HashMap<>();
        List<Long> order = new ArrayList<>();
        named.query("SELECT id, start_item, end_item, target_replicas FROM task WHERE id = ANY(:ids) AND claimed_by = :claim"
                + " ORDER BY id", new MapSqlParameterSource("ids", ids(tried)).addValue("claim", claim), rs -> {
                    tasks.put(rs.getLong(1), new int[] {rs.getInt(2), rs.getInt(3), rs.getInt(4), 0, 0});
                    order.add(rs.getLong(1));
                });
        Map<Long, Set<Long>> holders = new HashMap<>();
        named.query("SELECT task_id, volunteer_id, status, expires_at FROM assignment WHERE task_id = ANY(:ids)",
                new MapSqlParameterSource("ids", ids(order)), rs -> {
                    long task = rs.getLong(1);
                    holders.computeIfAbsent(task, t -> new HashSet<>()).add(rs.getLong(2));
                    AssignmentStatus status = AssignmentStatus.valueOf(rs.getString(3));
                    if (status == AssignmentStatus.RETURNED || (status == AssignmentStatus.LEASED
                            && rs.getObject(4, java.time.OffsetDateTime.class).toInstant().isAfter(now))) {
                        tasks.get(task)[3]++;
                    }
                });
        List<Long> full = new ArrayList<>();
        List<Slot> slots = new ArrayList<>();
        for (long id : order) {
            int[] t = tasks.get(id);
            int free = t[2] - t[3];
            if (free <= 0) {
                full.add(id);
                continue;
            }
            Set<Long> past = holders.getOrDefault(id, new HashSet<>());
            slots.add(new Slot(id, projectId, t[0], t[1], claim, usableUntil, past, free, past.isEmpty()));
        }
        if (!full.isEmpty()) {
            // every replica is out already: the hint was stale, so the claim ends at once
            named.update("UPDATE task SET claimed_by = NULL, claimed_until = NULL, wanted = FALSE WHERE id = ANY(:ids)"
                    + " AND claimed_by = :claim", new MapSqlParameterSource("ids", ids(full)).addValue("claim", claim));
        }
        return slots;
    }

    /** Task ids as one array parameter ({@code = ANY(:ids)}): one statement text whatever their number. */
    private static SqlArrayValue ids(List<Long> ids) {
        return new SqlArrayValue("BIGINT", ids.toArray());
    }

    /** Running projects in a random order where a project of priority p comes first p times as often. */
    private List<Long> projectsByFairShare(Instant now) {
        long nowMs = now.toEpochMilli();
        if (nowMs - runningReadAt > 1000) {
            running = projects.running().stream().map(p -> new long[] {p.id(), Math.max(1, p.priority())}).toList();
            runningReadAt = nowMs;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        // weighted random order (Efraimidis–Spirakis): sort by u^(1/w), largest first
        return running.stream()
                .map(p -> new double[] {p[0], Math.pow(random.nextDouble(), 1.0 / p[1])})
                .sorted((a, b) -> Double.compare(b[1], a[1]))
                .map(p -> (long) p[0])
                .toList();
    }
}
