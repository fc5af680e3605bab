package io.pocketgrid.portal.volunteer;

import io.pocketgrid.portal.storage.Databases;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Repository;

/**
 * The SQL of the {@code volunteer} table besides the JPA entity's own: this package owns the table, other
 * features reach it through {@link VolunteerService} and {@link VolunteerStanding}.
 */
@Repository
class VolunteerRows {

    private final JdbcTemplate jdbc;
    private final boolean postgres;

    VolunteerRows(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.postgres = Databases.isPostgres(jdbc);
    }

    boolean link(long accountId, String tokenSha256) {
        return jdbc.update("UPDATE volunteer SET account_id = ? WHERE token_sha256 = ? AND account_id IS NULL",
                accountId, tokenSha256) == 1;
    }

    List<String> publicIdsOfAccount(long accountId) {
        return jdbc.queryForList("SELECT public_id FROM volunteer WHERE account_id = ? ORDER BY id", String.class, accountId);
    }

    void ban(long id) {
        jdbc.update("UPDATE volunteer SET banned = TRUE, consecutive_valid = 0 WHERE id = ?", id);
    }

    Set<Long> banned(Collection<Long> ids) {
        return new HashSet<>(jdbc.queryForList("SELECT id FROM volunteer WHERE banned = TRUE AND id = ANY(?)", Long.class,
                new SqlArrayValue("BIGINT", ids.toArray())));
    }

    VolunteerStanding.Standing standing(long id) {
        return jdbc.queryForObject("SELECT banned, consecutive_valid, valid_results, invalid_results FROM volunteer WHERE id = ?",
                (rs, i) -> new VolunteerStanding.Standing(rs.getBoolean(1), rs.getInt(2), rs.getInt(3), rs.getInt(4)), id);
    }

    long microCredits(long id) {
        Long micro = jdbc.queryForObject("SELECT total_micro_credits FROM volunteer WHERE id = ?", Long.class, id);
        return micro == null ? 0 : micro;
    }

    long microCreditsOfAll() {
        Long micro = jdbc.queryForObject("SELECT COALESCE(SUM(total_micro_credits), 0) FROM volunteer", Long.class);
        return micro == null ? 0 : micro;
    }

    /**
     * One statement (PostgreSQL: set-based over arrays; elsewhere a batch); the rows are taken in the order
     * given (callers sort by id).
     */
    void record(Collection<VolunteerStanding.Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return;
        }
        if (postgres) {
            List<VolunteerStanding.Outcome> rows = List.copyOf(outcomes);
            jdbc.update("""
                    UPDATE volunteer x SET consecutive_valid = CASE WHEN v.reset THEN 0 ELSE x.consecutive_valid END + v.since,
                           total_micro_credits = x.total_micro_credits + v.micro, valid_results = x.valid_results + v.valid,
                           invalid_results = x.invalid_results + v.invalid
                    FROM unnest(?::bigint[], ?::boolean[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[])
                         AS v(id, reset, since, micro, valid, invalid)
                    WHERE x.id = v.id""", Databases.array("bigint", rows, VolunteerStanding.Outcome::volunteerId),
                    Databases.array("boolean", rows, VolunteerStanding.Outcome::trustReset),
                    Databases.array("bigint", rows, VolunteerStanding.Outcome::validSince),
                    Databases.array("bigint", rows, VolunteerStanding.Outcome::microCredits),
                    Databases.array("bigint", rows, VolunteerStanding.Outcome::valid),
                    Databases.array("bigint", rows, VolunteerStanding.Outcome::invalid));
            return;
        }
        jdbc.batchUpdate("""
                UPDATE volunteer SET consecutive_valid = CASE WHEN ? = 1 THEN 0 ELSE consecutive_valid END + ?,
                       total_micro_credits = total_micro_credits + ?, valid_results = valid_results + ?,
                       invalid_results = invalid_results + ? WHERE id = ?""",
                outcomes.stream().map(o -> new Object[] {o.trustReset() ? 1 : 0, o.validSince(), o.microCredits(),
                        o.valid(), o.invalid(), o.volunteerId()}).toList());
    }
}
