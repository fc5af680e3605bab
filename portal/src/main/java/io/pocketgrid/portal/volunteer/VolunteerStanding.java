package io.pocketgrid.portal.volunteer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Whether a volunteer is banned, how many valid results in a row it has and its record, as the lease path
 * needs them on every request: read at most once per {@link #MAX_AGE_MS} per volunteer. A ban or a
 * lost trust on this instance is forgotten at once (after its commit); one on another instance is
 * seen within the max age — until then, a banned volunteer's results are still refused at storage.
 */
@Component
public class VolunteerStanding {

    static final long MAX_AGE_MS = 2000;
    private static final int MAX_ENTRIES = 200_000;

    /** What the lease path needs: a ban, the run of valid results (trust) and the record of judged results. */
    public record Standing(boolean banned, int consecutiveValid, int validResults, int invalidResults) {
    }

    private record Entry(Standing standing, long readAtMs) {
    }

    private final JdbcTemplate jdbc;
    private final Map<Long, Entry> cache = new ConcurrentHashMap<>();

    VolunteerStanding(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Standing of(long volunteerId) {
        long now = System.currentTimeMillis();
        Entry e = cache.get(volunteerId);
        if (e != null && now - e.readAtMs() < MAX_AGE_MS) {
            return e.standing();
        }
        Standing s = jdbc.queryForObject("SELECT banned, consecutive_valid, valid_results, invalid_results"
                + " FROM volunteer WHERE id = ?",
                (rs, i) -> new Standing(rs.getBoolean(1), rs.getInt(2), rs.getInt(3), rs.getInt(4)), volunteerId);
        if (cache.size() >= MAX_ENTRIES) {
            cache.clear();
        }
        cache.put(volunteerId, new Entry(s, now));
        return s;
    }

    public void forget(long volunteerId) {
        cache.remove(volunteerId);
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void banned(VolunteerBanned event) {
        forget(event.volunteerId());
    }
}
