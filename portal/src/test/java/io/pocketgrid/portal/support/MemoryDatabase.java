package io.pocketgrid.portal.support;

import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A fresh in-memory H2 database with the portal's migrations (common and H2-only, as the portal runs them),
 * for fast tests of one class's SQL without a Spring context.
 */
public final class MemoryDatabase {

    private MemoryDatabase() {
    }

    /** A new database named after {@code name} (plus a random suffix), migrated. */
    public static DataSource migrated(String name) {
        DriverManagerDataSource ds = new DriverManagerDataSource(
                "jdbc:h2:mem:" + name + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(ds).locations("classpath:db/migration", "classpath:db/vendor/h2").load().migrate();
        return ds;
    }

    /**
     * Lets the test write rows whose foreign keys point at rows it does not need (other features' tables):
     * the class under test reads only its own.
     */
    public static JdbcTemplate withoutForeignKeys(DataSource ds) {
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        jdbc.execute("SET REFERENTIAL_INTEGRITY FALSE");
        return jdbc;
    }
}
