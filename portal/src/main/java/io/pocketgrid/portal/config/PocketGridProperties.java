package io.pocketgrid.portal.config;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The instance's own settings under {@code pocketgrid.*}: where its files live and how large a request
 * may be. Features keep their settings in records of their own under the same prefix
 * ({@code work.WorkProperties}, {@code project.DemoProperties}, {@code account.AdminProperties}, …).
 *
 * @param dataDir        where the H2 database, the content-addressed files (blob store {@code files}),
 *                       the instance id and the server check's model copies live
 * @param blobStore      {@code files} (under the data directory; the default) or {@code database}
 *                       (PostgreSQL only, the postgres profile's choice: instances then share nothing
 *                       but the database)
 * @param maxJsonBytes   largest JSON request body the API accepts
 * @param maxResultBytes largest result body the API accepts
 */
@ConfigurationProperties("pocketgrid")
public record PocketGridProperties(
        @DefaultValue("./data") Path dataDir,
        @DefaultValue("files") String blobStore,
        @DefaultValue("65536") long maxJsonBytes,
        @DefaultValue("67108864") long maxResultBytes) {
}
