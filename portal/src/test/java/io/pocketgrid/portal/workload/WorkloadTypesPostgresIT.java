package io.pocketgrid.portal.workload;

import io.pocketgrid.portal.support.PortalProperties;
import io.pocketgrid.portal.support.PostgresSchema;
import io.pocketgrid.portal.support.TempDirs;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link WorkloadTypesContract} on the local PostgreSQL, blobs in the database, in a schema of its own. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("postgres")
@Import(PostgresSchema.CleanThenMigrate.class)
class WorkloadTypesPostgresIT extends WorkloadTypesContract {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        PostgresSchema.register(registry, "pocketgrid_workload_it");
        PortalProperties.noDemoNoLedger(registry, TempDirs.create("pocketgrid-workload-pg-it"));
        registry.add("pocketgrid.validation.server-check-rate", () -> "1.0");
    }
}
