package io.pocketgrid.portal.validation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pocketgrid.portal.storage.Utc;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The server's spot checks, off the request path. A lone result picked for a check is stored PENDING
 * with a {@code spot_check} row (in the result writer's transaction) and its volunteer hears PENDING at
 * once; after the commit the job goes to one thread, {@code pocketgrid-spot-checks}, that recomputes the
 * task on the server and has the result judged ({@link ValidationService#check}). The queue is bounded:
 * when it is full, no more results are picked (counted as skipped), so the checks cost one core at most
 * and never hold a volunteer's answer. A job whose instance died waits in the table: every instance
 * takes up rows older than {@link #OVERDUE}; deleting the row in the judging transaction makes sure a
 * result is judged once even when two instances recompute it.
 */
@Component
class SpotChecks {

    private static final Logger log = LoggerFactory.getLogger(SpotChecks.class);
    /** A job queued this long ago whose row is still there was lost (its instance stopped): take it up. */
    static final Duration OVERDUE = Duration.ofMinutes(2);
    private static final int CAPACITY = 256;

    /** A stored lone result waiting for the server's recomputation of its task. */
    record Job(long resultId, long taskId) {
    }

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final BlockingQueue<Job> queue = new ArrayBlockingQueue<>(CAPACITY);
    /** Jobs queued or running here, so the sweep does not queue them twice. */
    private final Set<Long> here = ConcurrentHashMap.newKeySet();
    private final Counter skipped;
    private volatile Thread thread;

    SpotChecks(JdbcTemplate jdbc, Clock clock, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.skipped = Counter.builder("pocketgrid.spot.checks.skipped").description("lone results picked for a spot"
                + " check while this instance's checks were all busy: judged without one").register(meters);
        Gauge.builder("pocketgrid.spot.checks.queued", queue, BlockingQueue::size)
                .description("spot checks waiting for this instance's checker thread").register(meters);
    }

    /** Whether one more check can be queued; counts a skipped check when not. */
    boolean takeOneMore() {
        if (queue.remainingCapacity() > 0) {
            return true;
        }
        skipped.increment();
        return false;
    }

    /** Writes the jobs' rows, in the caller's (the result writer's) transaction. */
    void insert(List<Job> jobs, Instant now) {
        jdbc.batchUpdate("INSERT INTO spot_check (result_id, task_id, queued_at) VALUES (?, ?, ?)",
                jobs.stream().map(j -> new Object[] {j.resultId(), j.taskId(), Utc.at(now)}).toList());
    }

    /** Hands committed jobs to the checker thread; one that finds the queue full waits in the table for the sweep. */
    void offer(List<Job> jobs) {
        for (Job job : jobs) {
            if (here.add(job.resultId()) && !queue.offer(job)) {
                here.remove(job.resultId());
            }
        }
    }

    /** Deletes a job's row in the judging transaction: true for the one caller that is to judge the result. */
    boolean claim(long resultId) {
        return jdbc.update("DELETE FROM spot_check WHERE result_id = ?", resultId) == 1;
    }

    /** Jobs queued before {@code cutoff} and not judged (oldest first, at most {@code limit}). */
    List<Job> overdue(Instant cutoff, int limit) {
        return jdbc.query("SELECT result_id, task_id FROM spot_check WHERE queued_at < ? ORDER BY queued_at",
                ps -> {
                    ps.setObject(1, Utc.at(cutoff));
                    ps.setMaxRows(limit);
                }, (rs, i) -> new Job(rs.getLong(1), rs.getLong(2)));
    }

    /** Takes up jobs whose instance stopped before judging them (and any this one could not queue). */
    @Scheduled(fixedDelayString = "${pocketgrid.spot-check-sweep-interval:60s}")
    void sweep() {
        int room = queue.remainingCapacity();
        if (thread != null && room > 0) {
            offer(overdue(clock.instant().minus(OVERDUE), room));
        }
    }

    /** Starts the checker thread, which runs {@code check} for each job (once the beans are wired). */
    synchronized void start(Consumer<Job> check) {
        if (thread != null) {
            return;
        }
        thread = Thread.ofPlatform().name("pocketgrid-spot-checks").daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                Job job;
                try {
                    job = queue.take();
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    check.accept(job);
                } catch (RuntimeException e) {
                    // the row stays: the sweep tries again after OVERDUE
                    log.warn("spot check of result {} failed; retried later", job.resultId(), e);
                } finally {
                    here.remove(job.resultId());
                }
            }
        });
    }

    @PreDestroy
    synchronized void stop() {
        if (thread != null) {
            thread.interrupt();
        }
    }
}
