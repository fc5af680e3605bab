package io.pocketgrid.portal.work;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How work is handed out ({@code pocketgrid.*}).
 *
 * @param leaseHmacKey      key that signs lease tokens; shared by all instances on one database. When
 *                          empty, a random key is created once and kept in the database.
 * @param leaseDuration     how long a volunteer may hold a lease before it is handed to someone else
 * @param maxOpenLeases     leases one volunteer may hold at once
 * @param requestsPerSecond worker API calls one volunteer may make per second (bursts of twice that)
 */
@ConfigurationProperties("pocketgrid")
public record WorkProperties(
        @DefaultValue("") String leaseHmacKey,
        @DefaultValue("10m") Duration leaseDuration,
        @DefaultValue("8") int maxOpenLeases,
        @DefaultValue("50") double requestsPerSecond) {
}
