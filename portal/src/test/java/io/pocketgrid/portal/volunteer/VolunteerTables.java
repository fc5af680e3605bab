package io.pocketgrid.portal.volunteer;

import org.springframework.jdbc.core.JdbcTemplate;

/** Volunteers' standing for tests of other features, on a database of the test's own. */
public final class VolunteerTables {

    private VolunteerTables() {
    }

    public static VolunteerStanding standing(JdbcTemplate jdbc) {
        return new VolunteerStanding(new VolunteerRows(jdbc));
    }
}
