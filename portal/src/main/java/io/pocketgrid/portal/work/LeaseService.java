package io.pocketgrid.portal.work;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pocketgrid.portal.api.ApiException.Kind;
import io.pocketgrid.portal.api.ApiException;
import io.pocketgrid.portal.api.RateLimitedException;
import io.pocketgrid.portal.project.Project;
import io.pocketgrid.portal.project.ProjectInput;
import io.pocketgrid.portal.project.ProjectService;
import io.pocketgrid.portal.project.TaskInputs;
import io.pocketgrid.portal.volunteer.VolunteerStanding;
import io.pocketgrid.portal.validation.ValidationProperties;
import io.pocketgrid.portal.validation.ValidationService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Hands out replicas: from the {@link Feeder}'s memory, a task of a running project that still
 * needs replicas and that this volunteer has never held, stored by the group-committing writer.
 * Expired leases stop counting, so their task goes to someone else.
 */
@Service
public class LeaseService {

    private static final int ATTEMPTS = 8;
    /** A task should take a device about this long (issue #4: "about a minute or less"). */
    static final double TASK_SECONDS = 60;
    /** The share of its benchmark's peak a device is assumed to reach on a real model. */
    static final double PEAK_SHARE = 0.25;
    /** A task is cut into at most this many for slow devices. */
    static final int MAX_SPLIT = 16;

    private final LeaseRows rows;
    private final ProjectService projects;
    private final LeaseTokens tokens;
    private final WorkProperties properties;
    private final ValidationProperties validation;
    private final Feeder feeder;
    private final LeaseBatch leases;
    private final LeaseRegistry registry;
    private final VolunteerStanding standing;
    private final TaskInputs inputs;
    private final Clock clock;
    private final Throttle throttle;
    private final Counter issued;
    private final Counter noWork;

    LeaseService(LeaseRows rows, ProjectService projects, LeaseTokens tokens, WorkProperties properties,
                 ValidationProperties validation, Feeder feeder, LeaseBatch leases, LeaseRegistry registry, VolunteerStanding standing,
                 TaskInputs inputs, Clock clock, MeterRegistry meters) {
        this.issued = Counter.builder("pocketgrid.leases").description("lease requests answered, by outcome")
                .tag("outcome", "issued").register(meters);
        this.noWork = Counter.builder("pocketgrid.leases").description("lease requests answered, by outcome")
                .tag("outcome", "no_work").register(meters);
        Gauge.builder("pocketgrid.leases.open", registry, LeaseRegistry::size)
                .description("leases this instance issued that are still out (sum over instances for the grid)")
                .register(meters);
        this.standing = standing;
        this.inputs = inputs;
        this.validation = validation;
        this.rows = rows;
        this.projects = projects;
        this.tokens = tokens;
        this.properties = properties;
        this.feeder = feeder;
        this.leases = leases;
        this.registry = registry;
        this.clock = clock;
        this.throttle = new Throttle(validation.throttleInterval());
    }

    /**
     * A replica for this volunteer, or empty when no running project has one. Projects are tried in
     * a random order weighted by priority (fair share). The replica comes from memory; the insert
     * that stores it succeeds only while the task is open and claimed by this instance, so a stale
     * replica is skipped and another taken.
     */
    public Optional<Lease> lease(long volunteerId, LeaseRequest request) {
        Optional<Lease> lease = leaseOnce(volunteerId, request);
        (lease.isPresent() ? issued : noWork).increment();
        return lease;
    }

    private Optional<Lease> leaseOnce(long volunteerId, LeaseRequest request) {
        Instant now = clock.instant();
        boolean trusted = checkVolunteer(volunteerId, now);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<Feeder.Pick> pick = feeder.take(volunteerId, trusted,
                    projectId -> taskItems(request.gflops(), projects.facts(projectId)), now);
            if (pick.isEmpty()) {
                return Optional.empty();
            }
            Feeder.Slot slot = pick.get().slot();
            Project project = projects.facts(slot.projectId);
            Instant expires = now.plus(Duration.ofSeconds(Math.min(project.getDeadlineSeconds(),
                    properties.leaseDuration().toSeconds())));
            Long leaseId = leases.store(new LeaseWrite(pick.get(), volunteerId, now, expires));
            if (leaseId == null) {
                feeder.drop(slot);
                continue;
            }
            registry.add(new LeaseRegistry.Issued(leaseId, volunteerId, slot.taskId, slot.projectId, slot.start, slot.end,
                    expires, pick.get().single() || project.getQuorum() == 1));
            inputs.remember(slot.taskId, slot.projectId, slot.start, slot.end);
            int items = slot.end - slot.start;
            return Optional.of(Lease.of(leaseId, tokens.issue(leaseId, volunteerId, expires.getEpochSecond()), slot.taskId,
                    project.getModelSha256(), "/api/v1/tasks/" + slot.taskId + "/input",
                    project.getInputs().stream().map(ProjectInput::tensor).toList(), project.getOutputs(), items, expires));
        }
        return Optional.empty();
    }

    /**
     * The most items a task for this device should hold: about a minute of its work, but never less
     * than a sixteenth of the project's task size, so a device claiming to be very slow cannot cut a
     * project into a row per item.
     */
    static int taskItems(Double gflops, Project project) {
        return Math.max(Math.max(1, project.getInputsPerTask() / MAX_SPLIT), itemsInAMinute(gflops, project.getFlopsPerItem()));
    }

    /**
     * How many items a device of {@code gflops} (its benchmark's peak) computes in about a minute,
     * assuming a model runs at a quarter of that peak; no limit without a figure.
     */
    static int itemsInAMinute(Double gflops, long flopsPerItem) {
        if (gflops == null || !(gflops > 0) || flopsPerItem <= 0) {
            return Integer.MAX_VALUE;
        }
        double items = gflops * 1e9 * TASK_SECONDS * PEAK_SHARE / flopsPerItem;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.floor(items)));
    }

    /**
     * Refuses a banned volunteer, one whose results mostly disagreed with quorums, one that is throttled
     * for its disagreements and leased lately, or one at its cap of open leases; says whether it is trusted.
     */
    private boolean checkVolunteer(long volunteerId, Instant now) {
        VolunteerStanding.Standing v = standing.of(volunteerId);
        if (v.banned()) {
            throw new ApiException(Kind.FORBIDDEN, "BANNED", "this volunteer may not compute here any more");
        }
        if (validation.ignores(v.validResults(), v.invalidResults())) {
            throw new ApiException(Kind.FORBIDDEN, "IGNORED", v.invalidResults() + " of this volunteer's "
                    + (v.validResults() + v.invalidResults()) + " checked results disagreed with other volunteers';"
                    + " it gets no more work (a broken or tampered engine?)");
        }
        if (validation.throttles(v.validResults(), v.invalidResults())) {
            throttle.acquire(volunteerId, now, v.invalidResults());
        }
        int open = registry.openLeases(volunteerId, now);
        if (open >= properties.maxOpenLeases()) {
            throw new RateLimitedException("this volunteer already holds " + open
                    + " open leases; finish or give one back first", 5);
        }
        // adaptive replication: a trusted volunteer computes fresh tasks alone, unless spot-checked
        return v.consecutiveValid() >= validation.trustedAfter()
                && ThreadLocalRandom.current().nextDouble() >= validation.spotCheckRate();
    }

    /**
     * Ends leases past their deadline, then offers again every open task that has a free replica
     * and is not offered. The second step recomputes the {@code wanted} hint from the assignments
     * rather than trusting the last writer: a lease that set {@code wanted = FALSE} while this sweep
     * expired one of the task's leases would otherwise leave the task waiting for ever. Idempotent,
     * so every portal instance may run it; a race it loses is repaired by the next sweep.
     */
    /**
     * A banned volunteer's work ends: its open leases expire, and so do the leases of its results that
     * wait for a quorum ({@code pending}, about to be discarded), so those replicas stop counting; their
     * tasks are offered again. In the caller's transaction; how many open leases ended.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public int endWorkOfBanned(long volunteerId, List<ValidationService.Pending> pending) {
        return rows.endWorkOf(volunteerId, pending, clock.instant());
    }

    @Scheduled(fixedDelayString = "${pocketgrid.lease-sweep-interval:5s}")
    public void sweepExpired() {
        // two statements, each its own transaction: holding assignment rows while waiting for task
        // rows would deadlock with a result batch, which takes them the other way round
        registry.prune(clock.instant());
        Instant now = clock.instant();
        rows.expire(now);
        rows.reofferFree(now);
    }
}
