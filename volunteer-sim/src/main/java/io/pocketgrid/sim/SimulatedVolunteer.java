package io.pocketgrid.sim;

import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.loop.Lease;
import io.pocketgrid.worker.loop.TensorSpec;
import io.pocketgrid.worker.loop.WorkServerException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * One volunteer on its own thread: registers, then lease → (model, input, compute) → submit until
 * the run stops, treating each lease the way its {@link Behaviour} says.
 */
final class SimulatedVolunteer implements Runnable {

    private static final Duration BACKOFF = Duration.ofSeconds(1);

    private final VolunteerLog log;
    private final SimulationSettings settings;
    private final PortalHttp http;
    private final RunState run;
    private final OutputSource engine;
    private final CopyPool pool;
    private final Random random;
    private final HttpWorkServer.Registration known;

    SimulatedVolunteer(VolunteerLog log, SimulationSettings settings, PortalHttp http, RunState run,
                       OutputSource engine, CopyPool pool, HttpWorkServer.Registration known) {
        this.known = known;
        this.log = log;
        this.settings = settings;
        this.http = http;
        this.run = run;
        this.engine = engine;
        this.pool = pool;
        this.random = new Random(settings.seed() * 1_000_003 + log.index());
    }

    @Override
    public void run() {
        HttpWorkServer server;
        try {
            String token;
            if (known != null) {
                log.registered(known);
                token = known.token();
            } else {
                token = HttpWorkServer.register(http, settings.portal(), log).token();
            }
            server = new HttpWorkServer(http, settings.portal(), token, log);
        } catch (WorkServerException e) {
            log.failed("registration: " + e.getMessage());
            return;
        } finally {
            run.registered();
        }
        // a paced volunteer starts a round trip every `interval`, from a random phase; one that falls
        // behind starts the next at once and does not try to catch up
        long interval = settings.rate() > 0 ? (long) (settings.volunteers().size() * 1e9 / settings.rate()) : 0;
        long next = System.nanoTime() + (interval > 0 ? (long) (random.nextDouble() * interval) : 0);
        while (!run.stopped()) {
            if (interval > 0) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    run.pause(Duration.ofNanos(wait));
                }
                next = Math.max(next + interval, System.nanoTime());
            }
            try {
                Lease lease = server.lease();
                if (lease == null) {
                    run.pause(settings.idlePoll());
                    continue;
                }
                run.active();
                work(server, lease);
            } catch (WorkServerException e) {
                // already in the log; refusals are expected of most behaviours, failures earn a back-off
                if (e.status() == 0 || e.status() == 429 || e.status() >= 500) {
                    run.pause(BACKOFF);
                }
            } catch (RuntimeException e) {
                log.failed(e.toString());
                run.pause(BACKOFF);
            }
        }
    }

    private void work(HttpWorkServer server, Lease lease) {
        switch (log.behaviour()) {
            case HONEST -> honest(server, lease, Duration.ZERO);
            case SLOW -> honest(server, lease, settings.slowDelay());
            case REPLAY -> {
                // the identical request again; the portal must answer 409 and store nothing
                server.send(honest(server, lease, Duration.ZERO));
            }
            case CRASHING -> {
                server.input(lease);
                run.pause(settings.crashPause());
            }
            case RANDOM_OUTPUTS -> send(server, Submission.of(lease, noise(lease), elapsed()));
            case COPY_OTHER -> {
                Map<String, Tensor> copied = pool.otherThan(lease.taskId(), lease.outputs(), random)
                        .map(CopyPool.Sample::outputs).orElseGet(() -> noise(lease));
                send(server, Submission.of(lease, copied, elapsed()));
            }
            case FORGED_TOKEN, EXPIRED_TOKEN, WRONG_SHAPE, NAN ->
                    send(server, log.behaviour().tamper().apply(lease, noise(lease)));
        }
    }

    private Submission honest(HttpWorkServer server, Lease lease, Duration delay) {
        Map<String, Tensor> input = server.input(lease);
        long started = System.nanoTime();
        Map<String, Tensor> outputs = engine.outputs(lease, input, server);
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        pool.offer(lease.taskId(), outputs);
        if (!delay.isZero()) {
            run.pause(delay);
        }
        Submission s = Submission.of(lease, outputs, elapsedMs);
        send(server, s);
        return s;
    }

    /** Sends a result; a refusal propagates (it is in the log), an acceptance counts as a task completed. */
    private void send(HttpWorkServer server, Submission s) {
        server.send(s);
        log.completed();
    }

    /** Outputs of the right names, types and dims, wrong: logit-like floats, small integers. */
    private Map<String, Tensor> noise(Lease lease) {
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        for (TensorSpec spec : lease.outputs()) {
            int n = Tensor.sizeOf(spec.dims());
            if (spec.type().isFloating()) {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (float) (random.nextGaussian() * 5);
                }
                outputs.put(spec.name(), Tensor.ofFloats(spec.type(), v, spec.dims()));
            } else {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = spec.type().wrap(random.nextInt(1000));
                }
                outputs.put(spec.name(), Tensor.ofLongs(spec.type(), v, spec.dims()));
            }
        }
        return outputs;
    }

    private long elapsed() {
        return 20 + random.nextInt(200);
    }
}
