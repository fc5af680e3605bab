package io.pocketgrid.portal.work;

import io.pocketgrid.portal.config.InstanceId;
import io.pocketgrid.portal.storage.Utc;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * After a crash, hands the work an earlier run of this instance had out back at once: its open leases
 * expire and its feeder claims end, so the tasks are offered again within a sweep instead of after a
 * full lease deadline (10 min). The price: a volunteer that kept computing through the outage has its
 * result refused ({@code LEASE_EXPIRED}) and takes the next task. Only rows this instance marked before
 * this run started are touched, so leases issued meanwhile and other instances' work are safe.
 */
@Component
class LeaseRecovery {

    private static final Logger log = LoggerFactory.getLogger(LeaseRecovery.class);

    private final JdbcTemplate jdbc;
    private final InstanceId instance;
    private final LeaseService leases;
    private final Instant started;

    LeaseRecovery(JdbcTemplate jdbc, InstanceId instance, LeaseService leases, Clock clock) {
        this.jdbc = jdbc;
        this.instance = instance;
        this.leases = leases;
        this.started = clock.instant();
    }

    @EventListener(ApplicationReadyEvent.class)
    void expireLeasesOfEarlierRuns() {
        int expired = jdbc.update("UPDATE assignment SET status = 'EXPIRED' WHERE status = 'LEASED' AND issued_by = ?"
                + " AND issued_at < ?", instance.get(), Utc.at(started));
        String prefix = instance.get() + "/";
        String ours = instance.run() + "/";
        int released = jdbc.update("UPDATE task SET claimed_by = NULL, claimed_until = NULL WHERE status = 'OPEN'"
                + " AND LEFT(claimed_by, ?) = ? AND LEFT(claimed_by, ?) <> ?", prefix.length(), prefix, ours.length(), ours);
        if (expired > 0 || released > 0) {
            log.info("Took back the work an earlier run of this instance had out: {} leases, {} claimed tasks",
                    expired, released);
            leases.sweepExpired();
        }
    }
}
