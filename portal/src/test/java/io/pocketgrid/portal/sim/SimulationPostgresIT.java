package io.pocketgrid.portal.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Simulated volunteers against the portal on the local PostgreSQL (database {@code test} at
 * 127.0.0.1:5432, or {@code -Dpocketgrid.pg.url}), in a schema of its own that is wiped first.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("postgres")
class SimulationPostgresIT extends SimulationContract {

    static final String SCHEMA = "pocketgrid_sim_it";
    private static final String DATA_DIR = tempDir();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        String url = System.getProperty("pocketgrid.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");
        registry.add("spring.datasource.url", () -> url + (url.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA);
        registry.add("spring.datasource.username", () -> System.getProperty("pocketgrid.pg.user", "postgres"));
        registry.add("spring.flyway.schemas", () -> SCHEMA);
        registry.add("spring.flyway.clean-disabled", () -> "false");
        common(registry, DATA_DIR);
    }

    private static String tempDir() {
        try {
            return Files.createTempDirectory("pocketgrid-sim-pg-it").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @TestConfiguration
    static class CleanSchema {
        @Bean
        FlywayMigrationStrategy cleanThenMigrate() {
            return flyway -> {
                flyway.clean();
                flyway.migrate();
            };
        }
    }
}
