package io.pocketgrid.portal.config;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code pocketgrid.*}.
 *
 * @param dataDir        where the H2 database and the content-addressed files live
 * @param leaseHmacKey   key that signs lease tokens; shared by all instances on one database. When
 *                       empty, a random key is created once and kept in the data directory.
 * @param leaseDuration  how long a volunteer may hold a lease before it is handed to someone else
 * @param maxJsonBytes   largest JSON request body the API accepts
 * @param maxResultBytes largest result body the API accepts
 * @param demoProject    create the bundled demo project on first start
 * @param demoModel      which bundled model the demo project uses: {@code cnn} or {@code mlp}
 * @param maxOpenLeases  leases one volunteer may hold at once
 * @param requestsPerSecond worker API calls one volunteer may make per second (bursts of twice that)
 * @param adminUsernames usernames that become ADMIN when they sign up (everyone else is an OWNER)
 */
@ConfigurationProperties("pocketgrid")
public record PocketGridProperties(
        @DefaultValue("./data") Path dataDir,
        @DefaultValue("") String leaseHmacKey,
        @DefaultValue("10m") Duration leaseDuration,
        @DefaultValue("65536") long maxJsonBytes,
        @DefaultValue("67108864") long maxResultBytes,
        @DefaultValue("true") boolean demoProject,
        @DefaultValue("cnn") String demoModel,
        @DefaultValue("8") int maxOpenLeases,
        @DefaultValue("50") double requestsPerSecond,
        @DefaultValue("") java.util.List<String> adminUsernames) {
}
