package io.pocketgrid.sim;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one simulated volunteer did: every request with its outcome and latency, tasks completed,
 * and failures that were not HTTP answers (engine errors). Written by the volunteer's thread, read
 * by the simulator while it runs, hence the concurrent collections.
 */
public final class VolunteerLog {

    private final int index;
    private final Behaviour behaviour;
    private final Queue<Call> calls = new ConcurrentLinkedQueue<>();
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicInteger tasksCompleted = new AtomicInteger();
    private volatile HttpWorkServer.Registration registration;

    public VolunteerLog(int index, Behaviour behaviour) {
        this.index = index;
        this.behaviour = behaviour;
    }

    void record(Call call) {
        calls.add(call);
    }

    void failed(String what) {
        failures.add(what);
    }

    void completed() {
        tasksCompleted.incrementAndGet();
    }

    void registered(HttpWorkServer.Registration r) {
        this.registration = r;
    }

    /** The portal's answer to this volunteer's registration (its id and token); null until registered. */
    public HttpWorkServer.Registration registration() {
        return registration;
    }

    public int index() {
        return index;
    }

    public Behaviour behaviour() {
        return behaviour;
    }

    /** The public id the portal gave this volunteer ({@code volunteer.public_id}); null until registered. */
    public String volunteerId() {
        HttpWorkServer.Registration r = registration;
        return r == null ? null : r.volunteerId();
    }

    /** Results the portal accepted (HTTP 200, whatever the verdict). */
    public int tasksCompleted() {
        return tasksCompleted.get();
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public List<String> failures() {
        return List.copyOf(failures);
    }
}
