package io.pocketgrid.portal.ledger;

import java.time.Duration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health {@code epochs}: DOWN when credit has waited more than {@link #LATE} epoch intervals to reach
 * the chain (the epoch job is stuck, failing, or no instance runs it). The figure is the grid's, read
 * from the database, so every instance reports the same.
 */
@Component
class EpochsHealthIndicator implements HealthIndicator {

    static final int LATE = 3;

    private final LedgerMeters meters;
    private final LedgerNetwork network;
    private final LedgerProperties properties;

    EpochsHealthIndicator(LedgerMeters meters, LedgerNetwork network, LedgerProperties properties) {
        this.meters = meters;
        this.network = network;
        this.properties = properties;
    }

    @Override
    public Health health() {
        if (network.offReason().isPresent()) {
            return Health.unknown().withDetail("ledger", "off").build();
        }
        Duration lag = meters.lag();
        Duration limit = properties.epochInterval().multipliedBy(LATE);
        Health.Builder health = lag.compareTo(limit) > 0 ? Health.down() : Health.up();
        return health.withDetail("commitLag", lag.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString())
                .withDetail("limit", limit.toString()).build();
    }
}
