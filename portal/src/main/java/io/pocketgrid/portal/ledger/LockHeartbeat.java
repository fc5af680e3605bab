package io.pocketgrid.portal.ledger;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Renews this instance's ledger leases every third of {@code lock-timeout} while they are held. A lease can
 * then be short (a crashed holder's runs out soon, even if that instance never comes back) and still
 * outlast a long run: a commit may wait minutes for the chain. A lease that could not be renewed (it ran
 * out meanwhile and may be someone else's) is dropped; its run finds out at its next step.
 */
@Component
class LockHeartbeat implements InitializingBean, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(LockHeartbeat.class);

    private final LedgerLock lock;
    private final Duration interval;
    private ScheduledExecutorService executor;

    LockHeartbeat(LedgerLock lock, LedgerProperties properties) {
        this.lock = lock;
        this.interval = properties.lockTimeout().dividedBy(3);
    }

    @Override
    public void afterPropertiesSet() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ledger-lock-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long millis = Math.max(interval.toMillis(), 100);
        executor.scheduleWithFixedDelay(this::renew, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Extends every lease held now. */
    void renew() {
        lock.held().forEach((name, held) -> {
            try {
                if (!lock.renew(name, held)) {
                    log.warn("The ledger lock {} ran out before it could be renewed; its run stops at its next step", name);
                }
            } catch (RuntimeException e) {
                // the database may be back at the next beat, well before the lease runs out
                log.warn("Could not renew the ledger lock {}: {}", name, e.getMessage());
            }
        });
    }

    @Override
    public void destroy() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
