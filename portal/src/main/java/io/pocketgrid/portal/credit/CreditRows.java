package io.pocketgrid.portal.credit;

import io.pocketgrid.portal.storage.Utc;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The SQL of the {@code credit} table, which this package owns; other features go through {@link CreditService}. */
@Repository
class CreditRows {

    private final JdbcTemplate jdbc;

    CreditRows(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void insert(List<CreditService.Grant> grants, Instant at) {
        jdbc.batchUpdate("INSERT INTO credit (result_id, volunteer_id, project_id, micro_credits, granted_at)"
                + " VALUES (?, ?, ?, ?, ?)", grants.stream().map(g -> new Object[] {g.resultId(), g.volunteerId(),
                g.projectId(), g.microCredits(), Utc.at(at)}).toList());
    }

    Optional<Instant> firstGrantedAt() {
        return Optional.ofNullable(jdbc.queryForObject("SELECT MIN(granted_at) FROM credit", OffsetDateTime.class))
                .map(OffsetDateTime::toInstant);
    }
}
