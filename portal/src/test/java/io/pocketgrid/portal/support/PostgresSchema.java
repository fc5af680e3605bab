package io.pocketgrid.portal.support;

import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Points a test's portal at the local PostgreSQL (database {@code test} at 127.0.0.1:5432, or
 * {@code -Dpocketgrid.pg.url} / {@code -Dpocketgrid.pg.user}) in a schema of its own; with
 * {@link CleanThenMigrate} imported, the schema is wiped before the run.
 */
public final class PostgresSchema {

    private PostgresSchema() {
    }

    public static void register(DynamicPropertyRegistry registry, String schema) {
        String url = System.getProperty("pocketgrid.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");
        registry.add("spring.datasource.url", () -> url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        registry.add("spring.datasource.username", () -> System.getProperty("pocketgrid.pg.user", "postgres"));
        registry.add("spring.flyway.schemas", () -> schema);
        registry.add("spring.flyway.clean-disabled", () -> "false");
    }

    /** Flyway cleans the test's schema, then migrates it. */
    @TestConfiguration
    public static class CleanThenMigrate {
        @Bean
        FlywayMigrationStrategy cleanThenMigrate() {
            return flyway -> {
                flyway.clean();
                flyway.migrate();
            };
        }
    }
}
