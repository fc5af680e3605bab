package io.pocketgrid.portal.leaderboard;

import io.pocketgrid.portal.api.ApiException;
import io.pocketgrid.portal.storage.Utc;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Ranks volunteers and teams by validated credit, in total or over the last 24 hours. A volunteer
 * shows the display name of the account it was claimed into, else an anonymous handle.
 */
@Service
public class LeaderboardService {

    public enum By { VOLUNTEER, TEAM }

    public enum Period { TOTAL, DAY }

    private static final int MAX_LIMIT = 1000;

    private final JdbcTemplate jdbc;
    private final Clock clock;

    LeaderboardService(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Transactional(readOnly = true)
    public List<Standing> standings(By by, Period period, int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.badRequest("BAD_PARAMETER", "limit must be 1–" + MAX_LIMIT);
        }
        String credit = period == Period.TOTAL
                ? "SELECT volunteer_id, SUM(micro_credits) AS micro FROM credit GROUP BY volunteer_id"
                : "SELECT volunteer_id, SUM(micro_credits) AS micro FROM credit WHERE granted_at > ? GROUP BY volunteer_id";
        String sql = by == By.VOLUNTEER
                ? "SELECT v.public_id, a.display_name, c.micro FROM (" + credit + ") c JOIN volunteer v ON v.id = c.volunteer_id"
                  + " LEFT JOIN account a ON a.id = v.account_id WHERE v.banned = FALSE ORDER BY c.micro DESC, v.id"
                  + " FETCH FIRST " + limit + " ROWS ONLY"
                : "SELECT CAST(t.id AS VARCHAR(20)), t.name, SUM(c.micro) AS micro FROM (" + credit + ") c"
                  + " JOIN volunteer v ON v.id = c.volunteer_id JOIN account a ON a.id = v.account_id"
                  + " JOIN team t ON t.id = a.team_id GROUP BY t.id, t.name ORDER BY micro DESC, t.id"
                  + " FETCH FIRST " + limit + " ROWS ONLY";
        Object[] args = period == Period.TOTAL ? new Object[0]
                : new Object[] {Utc.at(clock.instant().minus(Duration.ofHours(24)))};
        List<Standing> rows = new ArrayList<>();
        jdbc.query(sql, rs -> {
            String id = rs.getString(1);
            String name = rs.getString(2);
            long micro = rs.getLong(3);
            rows.add(new Standing(rows.size() + 1, id, name != null ? name : anonymous(id), micro, micro / 1e6));
        }, args);
        return rows;
    }

    /** A stable, short handle for a volunteer nobody has named. */
    static String anonymous(String publicId) {
        return "anonymous-" + publicId.substring(0, Math.min(8, publicId.length()));
    }
}
