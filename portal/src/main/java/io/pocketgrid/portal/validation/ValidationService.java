package io.pocketgrid.portal.validation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pocketgrid.portal.credit.CreditService;
import io.pocketgrid.portal.project.TaskStatus;
import io.pocketgrid.portal.storage.BlobStore;
import jakarta.annotation.PostConstruct;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Decides, as results arrive, whether their tasks now have a quorum of agreeing results. The
 * caller has locked the tasks' rows, so the results of one task are judged one after the other
 * even on several portal instances. The first result of the agreeing group is canonical; results
 * that disagree with it are invalid and are charged to their volunteers (whose record decides
 * whether they are throttled or ignored, see {@link ValidationProperties}). Without a quorum the
 * task asks for one more replica. Disagreement is charged to the task only among volunteers with
 * a good record: it fails when {@code maxErrors} of theirs disagree, or when it has collected
 * {@code replication + 2 × maxErrors} results with no quorum, never because a few volunteers sent
 * garbage. Every valid replica earns credit once.
 *
 * <p>Results are judged in batches: everything is read once, decided in memory in arrival order
 * (exactly as if they had come one by one), and written with one batched statement per kind of
 * change ({@link TaskBook}).
 */
@Service
public class ValidationService {

    private static final Logger log = LoggerFactory.getLogger(ValidationService.class);

    private final TaskBook book;
    private final ResultRows results;
    private final SpotChecks spotChecks;
    private final JudgedTasks tasks;
    private final TransactionTemplate tx;
    private final Timer checkTimes;
    private final BlobStore blobs;
    private final ServerCheck serverCheck;
    private final ValidationProperties properties;
    private final Clock clock;
    private final Counter valid;
    private final Counter invalid;
    private final Counter inconclusive;
    private final Counter spotChecksAgreed;
    private final Counter spotChecksDisagreed;

    ValidationService(TaskBook book, ResultRows results, BlobStore blobs, ServerCheck serverCheck, SpotChecks spotChecks,
                      JudgedTasks tasks, ValidationProperties properties, Clock clock, PlatformTransactionManager transactions,
                      MeterRegistry meters) {
        this.spotChecks = spotChecks;
        this.tasks = tasks;
        this.tx = new TransactionTemplate(transactions);
        this.checkTimes = Timer.builder("pocketgrid.spot.check.duration").description("the server's recomputation of"
                + " one task for a spot check, off the request path").register(meters);
        String judged = "results judged (valid, invalid) and tasks whose replicas disagreed without a quorum"
                + " (inconclusive: one more replica is asked for)";
        this.valid = Counter.builder("pocketgrid.validations").description(judged).tag("outcome", "valid").register(meters);
        this.invalid = Counter.builder("pocketgrid.validations").description(judged).tag("outcome", "invalid")
                .register(meters);
        this.inconclusive = Counter.builder("pocketgrid.validations").description(judged).tag("outcome", "inconclusive")
                .register(meters);
        String spot = "lone replicas the server recomputed, by whether the volunteer's result agreed";
        this.spotChecksAgreed = Counter.builder("pocketgrid.spot.checks").description(spot).tag("outcome", "agreed")
                .register(meters);
        this.spotChecksDisagreed = Counter.builder("pocketgrid.spot.checks").description(spot).tag("outcome", "disagreed")
                .register(meters);
        this.book = book;
        this.results = results;
        this.blobs = blobs;
        this.serverCheck = serverCheck;
        this.properties = properties;
        this.clock = clock;
    }

    /** A result that passed the work API's checks and whose lease was just marked returned. */
    public record Received(long leaseId, long taskId, long volunteerId, String outputSha256, String dims, Long elapsedMs,
                           Instant receivedAt) {
    }

    /** A result still waiting for a quorum: its lease and task. */
    public record Pending(long leaseId, long taskId) {
    }

    /**
     * Stores received results as PENDING in the caller's transaction (the result writer's, tasks locked);
     * their ids by lease id. A lease's result is stored once: {@code result.assignment_id} is unique.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Map<Long, Long> store(List<Received> received) {
        return results.insert(received);
    }

    /** The results of a volunteer that wait for a quorum (an admin is about to ban it). */
    @Transactional(propagation = Propagation.MANDATORY)
    public List<Pending> pendingOf(long volunteerId) {
        return results.pending(volunteerId);
    }

    /** Discards a banned volunteer's results that wait for a quorum; how many. Validated ones stay. */
    @Transactional(propagation = Propagation.MANDATORY)
    public int discardPending(long volunteerId) {
        return results.discardPending(volunteerId);
    }

    /** What became of a result that was just stored. */
    public record Verdict(ResultStatus status, long microCredits) {
    }

    /**
     * A stored result to judge. {@code spotCheck}: this lone replica was picked for the server's check
     * ({@link #picksForSpotCheck}), so it stays PENDING until the server has recomputed its task;
     * {@code serverOutputs} is that recomputation when it is judged ({@link #check}), else null.
     * {@code outputs} null: read from the blob store.
     */
    public record Arrival(long resultId, long taskId, long volunteerId, float[] outputs, boolean spotCheck,
                          float[] serverOutputs) {
    }

    /**
     * Whether the server checks this result itself: a lone replica picked at random (rate
     * {@code pocketgrid.validation.server-check-rate}), while this instance's checker has room.
     */
    public boolean picksForSpotCheck(boolean loneReplica) {
        return loneReplica && ThreadLocalRandom.current().nextDouble() < properties.serverCheckRate()
                && spotChecks.takeOneMore();
    }

    @PostConstruct
    void startSpotChecks() {
        spotChecks.start(this::check);
    }

    /**
     * One spot check, on the checker thread: the server recomputes the task (slow: it runs the model), then
     * the result is judged against that in a transaction of its own, unless another instance judged it or
     * another replica settled it meanwhile. A recomputation that fails leaves the result judged as a lone
     * replica without a check, as if it had not been picked.
     */
    void check(SpotChecks.Job job) {
        float[] reference = null;
        long start = System.nanoTime();
        try {
            reference = serverCheck.recompute(job.taskId());
        } catch (RuntimeException e) {
            log.warn("the server could not recompute task {} for a spot check; its lone result is judged without one",
                    job.taskId(), e);
        }
        checkTimes.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        float[] serverOutputs = reference;
        tx.executeWithoutResult(s -> {
            List<JudgedTasks.Row> locked = tasks.lock(List.of(job.taskId()));
            if (!spotChecks.claim(job.resultId())) {
                return;
            }
            results.pendingVolunteer(job.resultId()).ifPresent(volunteerId -> judge(List.of(
                    new Arrival(job.resultId(), job.taskId(), volunteerId, null, false, serverOutputs)), locked));
        });
    }

    /**
     * Judges stored results and writes what follows; verdicts in order. {@code locked}: their tasks as the
     * caller locked them in this transaction ({@link JudgedTasks#lock}, more are ignored).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public List<Verdict> judge(List<Arrival> arrivals, List<JudgedTasks.Row> locked) {
        Instant now = clock.instant();
        TaskBook.Batch batch = book.open(arrivals, locked, blobs);
        Tally tally = new Tally();
        List<Verdict> verdicts = new ArrayList<>();
        for (Arrival arrival : arrivals) {
            verdicts.add(judgeOne(batch, batch.task(arrival.taskId()), arrival, now, tally));
        }
        batch.write(now);
        // counted once the batch is stored: a batch that fails is judged again, write by write
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                valid.increment(tally.valid);
                invalid.increment(tally.invalid);
                inconclusive.increment(tally.inconclusive);
                spotChecksAgreed.increment(tally.spotAgreed);
                spotChecksDisagreed.increment(tally.spotDisagreed);
            }
        });
        return verdicts;
    }

    /** What one batch decided, for the meters. */
    private static final class Tally {
        int valid;
        int invalid;
        int inconclusive;
        int spotAgreed;
        int spotDisagreed;
    }

    private Verdict judgeOne(TaskBook.Batch batch, TaskBook.Task task, Arrival arrival, Instant now, Tally tally) {
        TaskBook.Result fresh = task.result(arrival.resultId());
        fresh.status = ResultStatus.PENDING;
        if (task.status == TaskStatus.VALIDATED) {
            return settle(batch, task, fresh, task.agreement.agree(task.result(task.canonicalResultId).outputs(),
                    fresh.outputs()), tally);
        }
        if (task.status != TaskStatus.OPEN) {
            batch.mark(fresh, ResultStatus.DISCARDED);
            return new Verdict(ResultStatus.DISCARDED, 0);
        }
        if (arrival.spotCheck() && task.quorum == 1) {
            // judged when the server has recomputed the task (check): PENDING till then
            batch.checkLater(fresh, task);
            return new Verdict(ResultStatus.PENDING, 0);
        }
        boolean spotChecked = task.quorum == 1 && arrival.serverOutputs() != null;
        if (spotChecked && !task.agreement.agree(arrival.serverOutputs(), fresh.outputs())) {
            tally.spotDisagreed++;
            tally.invalid++;
            // a trusted volunteer's lone result failed the server's spot check: no credit, no trust,
            // and the task goes back to full replication; the invalid replica keeps its slot, so
            // the target grows by a full replication
            batch.mark(fresh, ResultStatus.INVALID);
            batch.charge(fresh.volunteerId);
            task.addError();
            task.quorum = task.projectQuorum;
            task.targetReplicas += task.projectReplication;
            task.wantMore();
            return new Verdict(ResultStatus.INVALID, 0);
        }
        if (spotChecked) {
            tally.spotAgreed++;
        }
        List<TaskBook.Result> pending = task.results(ResultStatus.PENDING);
        List<TaskBook.Result> group = largestAgreeingGroup(pending, task.agreement);
        if (group.size() >= task.quorum) {
            task.validate(group.get(0).id, now);
            Verdict verdict = null;
            for (TaskBook.Result r : pending.stream().sorted(Comparator.comparingLong(r -> r.volunteerId)).toList()) {
                Verdict v = settle(batch, task, r, group.contains(r), tally);
                if (r.id == arrival.resultId()) {
                    verdict = v;
                }
            }
            return verdict;
        }
        // returned replicas include any a spot check already judged invalid: they used up their slot
        int returned = pending.size() + task.results(ResultStatus.INVALID).size();
        if (returned >= task.targetReplicas) {
            // every replica in flight came back and they do not agree: one more opinion is needed.
            // Who is wrong is not known yet, so nobody is charged; only volunteers with a good record
            // who disagree among themselves tell that the task itself is at fault.
            task.disagreements(returned - group.size());
            tally.inconclusive++;
            List<TaskBook.Result> reliable = pending.stream().filter(r -> r.reliable).toList();
            int reliableErrors = reliable.size() - largestAgreeingGroup(reliable, task.agreement).size();
            if (reliableErrors >= task.maxErrors || returned >= task.maxResults) {
                task.fail();
                for (TaskBook.Result r : pending) {
                    tally.invalid++;
                    batch.mark(r, ResultStatus.INVALID);
                    batch.resetTrust(r.volunteerId);
                }
                return new Verdict(ResultStatus.INVALID, 0);
            }
            task.targetReplicas++;
            task.quorum = Math.max(task.quorum, task.projectQuorum);
            task.wantMore();
        }
        return new Verdict(ResultStatus.PENDING, 0);
    }

    private static Verdict settle(TaskBook.Batch batch, TaskBook.Task task, TaskBook.Result r, boolean valid, Tally tally) {
        if (valid) {
            tally.valid++;
            batch.mark(r, ResultStatus.VALID);
            long micro = CreditService.microCredits(task.flopsPerItem, task.items);
            batch.credit(r, task, micro);
            return new Verdict(ResultStatus.VALID, micro);
        }
        tally.invalid++;
        batch.mark(r, ResultStatus.INVALID);
        task.addError();
        batch.charge(r.volunteerId);
        return new Verdict(ResultStatus.INVALID, 0);
    }

    private static List<TaskBook.Result> largestAgreeingGroup(List<TaskBook.Result> pending, Agreement agreement) {
        List<TaskBook.Result> best = List.of();
        for (TaskBook.Result reference : pending) {
            List<TaskBook.Result> group = new ArrayList<>();
            for (TaskBook.Result other : pending) {
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
}
