package io.pocketgrid.portal.ledger;

import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;

/** {@link EpochLockRecovery} on the local PostgreSQL, in a schema of its own wiped first. */
class EpochLockRecoveryPostgresIT extends EpochLockRecovery {

    private static final String SCHEMA = "pocketgrid_lock_recovery_it";
    private static final String URL = System.getProperty("pocketgrid.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String USER = System.getProperty("pocketgrid.pg.user", "postgres");

    @BeforeEach
    void wipeSchema() {
        Flyway.configure().dataSource(URL, USER, "").schemas(SCHEMA).cleanDisabled(false).load().clean();
    }

    @Override
    List<String> database() {
        return List.of("--spring.profiles.active=postgres",
                "--spring.datasource.url=" + URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA,
                "--spring.datasource.username=" + USER, "--spring.flyway.schemas=" + SCHEMA);
    }
}
