package io.pocketgrid.portal.drill;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * The database a drill's portal runs on, and the test's own connection to it for the checks: the H2 file in
 * the data directory (open only while the portal is stopped), or a fresh schema of the local PostgreSQL
 * (database {@code test}, or {@code -Dpocketgrid.pg.url}), reached directly or through a port of the drill's.
 */
record DrillDatabase(List<String> portalArgs, Map<String, String> portalEnv, String jdbcUrl, String user) {

    static DrillDatabase h2(Path dataDir) {
        return new DrillDatabase(List.of(), Map.of(), "jdbc:h2:file:" + dataDir.resolve("pocketgrid"), "sa");
    }

    /** A PostgreSQL schema dropped first; the portal connects through {@code port} (5432 or a proxy's). */
    static DrillDatabase postgres(String schema, int port) throws SQLException {
        String base = System.getProperty("pocketgrid.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");
        String user = System.getProperty("pocketgrid.pg.user", "postgres");
        DrillDatabase db = new DrillDatabase(List.of("--spring.profiles.active=postgres",
                "--spring.flyway.schemas=" + schema), Map.of("POCKETGRID_DB_URL",
                base.replace(":5432/", ":" + port + "/") + "?currentSchema=" + schema, "POCKETGRID_DB_USER", user),
                base + "?currentSchema=" + schema, user);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
        return db;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, "");
    }
}
