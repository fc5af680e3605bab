package io.pocketgrid.portal.sim;

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
 * Simulated volunteers against the portal on the local PostgreSQL (database {@code test} at
 * 127.0.0.1:5432, or {@code -Dpocketgrid.pg.url}), in a schema of its own that is wiped first.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("postgres")
@Import(PostgresSchema.CleanThenMigrate.class)
class SimulationPostgresIT extends SimulationContract {

    static final String SCHEMA = "pocketgrid_sim_it";
    private static final String DATA_DIR = tempDir();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        PostgresSchema.register(registry, SCHEMA);
        common(registry, DATA_DIR);
    }

    private static String tempDir() {
        try {
            return Files.createTempDirectory("pocketgrid-sim-pg-it").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
