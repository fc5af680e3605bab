package io.pocketgrid.portal.ledger;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Connects the ledger once the portal is up and runs the epoch job every {@code epoch-interval}, on a thread
 * of its own: a commit may wait minutes for an unreachable chain and must not hold up the portal's other
 * scheduled work.
 */
@Component
class EpochScheduler implements ApplicationRunner, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(EpochScheduler.class);

    private final LedgerNetwork network;
    private final EpochJob job;
    private final LedgerProperties properties;
    private ScheduledExecutorService executor;

    EpochScheduler(LedgerNetwork network, EpochJob job, LedgerProperties properties) {
        this.network = network;
        this.job = job;
        this.properties = properties;
    }

    @Override
    public synchronized void run(ApplicationArguments args) {
        if (!properties.enabled()) {
            log.info("The ledger is disabled (pocketgrid.ledger.enabled=false)");
            return;
        }
        network.connect();
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ledger-epochs");
            t.setDaemon(true);
            return t;
        });
        long interval = properties.epochInterval().toMillis();
        executor.scheduleWithFixedDelay(this::tick, interval, interval, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            EpochJob.Run run = job.runOnce();
            if (run.status() == EpochJob.Status.OFF) {
                log.debug("Epoch run skipped: {}", run.error());
            }
        } catch (RuntimeException e) {
            // a periodic task that throws is never run again: report it here and try at the next interval
            log.error("The epoch run failed", e);
        }
    }

    @Override
    public synchronized void destroy() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
