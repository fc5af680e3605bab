package io.pocketgrid.sim;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the volunteers of one run share: the stop signal, how many have yet to register, and when
 * a volunteer last registered or got work (the idle clock).
 */
final class RunState {

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch registering;
    private final AtomicLong lastActiveNanos = new AtomicLong(System.nanoTime());

    RunState(int volunteers) {
        this.registering = new CountDownLatch(volunteers);
    }

    boolean stopped() {
        return stop.getCount() == 0;
    }

    void stop() {
        stop.countDown();
    }

    /** Sleeps, waking early when the run stops. */
    void pause(Duration d) {
        try {
            stop.await(d.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
        }
    }

    /** A volunteer registered, or gave up trying. */
    void registered() {
        active();
        registering.countDown();
    }

    /** A volunteer got a lease: the idle clock starts again. */
    void active() {
        lastActiveNanos.set(System.nanoTime());
    }

    /** How long nobody got work, counted once every volunteer has registered; 0 before. */
    long idleNanos() {
        return registering.getCount() > 0 ? 0 : System.nanoTime() - lastActiveNanos.get();
    }
}
