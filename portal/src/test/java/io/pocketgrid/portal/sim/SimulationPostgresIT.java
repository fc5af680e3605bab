package io.pocketgrid.portal.sim;

import io.pocketgrid.portal.support.TempDirs;
import io.pocketgrid.portal.support.PostgresSchema;
import java.nio.file.Path;
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
    private static final Path DATA_DIR = TempDirs.create("pocketgrid-sim-pg-it");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        PostgresSchema.register(registry, SCHEMA);
        common(registry, DATA_DIR);
    }
}
