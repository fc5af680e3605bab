package io.pocketgrid.portal.work;

import io.pocketgrid.portal.validation.JudgedTasks;
import org.springframework.jdbc.core.JdbcTemplate;

/** The work queue's task rows for tests of the features below it, on a database of the test's own. */
public final class WorkTables {

    private WorkTables() {
    }

    public static JudgedTasks judgedTasks(JdbcTemplate jdbc) {
        return new TaskRows(jdbc);
    }
}
