package io.pocketgrid.portal.credit;

import org.springframework.jdbc.core.JdbcTemplate;

/** The credit service for tests of other features, on a database of the test's own. */
public final class CreditTables {

    private CreditTables() {
    }

    public static CreditService service(JdbcTemplate jdbc) {
        return new CreditService(new CreditRows(jdbc));
    }
}
