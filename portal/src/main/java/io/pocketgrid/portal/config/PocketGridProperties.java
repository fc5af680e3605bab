package io.pocketgrid.portal.config;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code pocketgrid.*}.
 *
 * @param dataDir        where the H2 database, the content-addressed files (blob store {@code files}),
 *                       the instance id and the server check's model copies live
 * @param blobStore      {@code files} (under the data directory; the default) or {@code database}
 *                       (PostgreSQL only, the postgres profile's choice: instances then share nothing
 *                       but the database)
 * @param leaseHmacKey   key that signs lease tokens; shared by all instances on one database. When
 *                       empty, a random key is created once and kept in the database.
 * @param leaseDuration  how long a volunteer may hold a lease before it is handed to someone else
 * @param maxJsonBytes   largest JSON request body the API accepts
 * @param maxResultBytes largest result body the API accepts
 * @param demoProject    create the bundled demo project on first start
 * @param demoModel      which bundled model the demo project uses: {@code cnn} or {@code mlp}
 * @param demoWorkloads  with the demo project, also create the text classifier (int64 token ids and mask)
 *                       and the int8-quantized CNN demo projects
 * @param maxOpenLeases  leases one volunteer may hold at once
 * @param requestsPerSecond worker API calls one volunteer may make per second (bursts of twice that)
 * @param adminUsernames existing accounts the operator makes ADMIN at start-up (sign-up never makes an admin)
 */
@ConfigurationProperties("pocketgrid")
public record PocketGridProperties(
        @DefaultValue("./data") Path dataDir,
        @DefaultValue("files") String blobStore,
        @DefaultValue("") String leaseHmacKey,
        @DefaultValue("10m") Duration leaseDuration,
        @DefaultValue("65536") long maxJsonBytes,
        @DefaultValue("67108864") long maxResultBytes,
        @DefaultValue("true") boolean demoProject,
        @DefaultValue("cnn") String demoModel,
        @DefaultValue("true") boolean demoWorkloads,
        @DefaultValue("8") int maxOpenLeases,
        @DefaultValue("50") double requestsPerSecond,
        @DefaultValue("") java.util.List<String> adminUsernames) {
}
