package io.pocketgrid.portal.work;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import io.pocketgrid.portal.support.PostgresSchema;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The worker protocol on the local PostgreSQL (database {@code test} at 127.0.0.1:5432, or the URL
 * in {@code -Dpocketgrid.pg.url}), in a schema of its own that is wiped before the run.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("postgres")
@Import(PostgresSchema.CleanThenMigrate.class)
class WorkApiPostgresIT extends WorkApiContract {

    static final String SCHEMA = "pocketgrid_work_it";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        PostgresSchema.register(registry, SCHEMA);
        registry.add("pocketgrid.max-result-bytes", () -> MAX_RESULT_BYTES);
        registry.add("pocketgrid.max-open-leases", () -> MAX_OPEN_LEASES);
        String dataDir;
        try {
            dataDir = Files.createTempDirectory("pocketgrid-pg-it").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        registry.add("pocketgrid.data-dir", () -> dataDir);
        registry.add("pocketgrid.ledger.enabled", () -> "false");
    }
}
