package io.pocketgrid.portal.volunteer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Collection;
import java.util.Set;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
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

    /**
     * What one validation batch changes of a volunteer's record.
     *
     * @param trustReset   a result of theirs was proved wrong: the run of valid results starts again
     * @param validSince   valid results to add to the run (after the reset, if any)
     * @param microCredits credit to add to the running total
     */
    public record Outcome(long volunteerId, boolean trustReset, long validSince, long microCredits, long valid,
                          long invalid) {
    }

    private final VolunteerRows rows;
    private final Map<Long, Entry> cache = new ConcurrentHashMap<>();

    VolunteerStanding(VolunteerRows rows) {
        this.rows = rows;
    }

    public Standing of(long volunteerId) {
        long now = System.currentTimeMillis();
        Entry e = cache.get(volunteerId);
        if (e != null && now - e.readAtMs() < MAX_AGE_MS) {
            return e.standing();
        }
        Standing s = rows.standing(volunteerId);
        if (cache.size() >= MAX_ENTRIES) {
            cache.clear();
        }
        cache.put(volunteerId, new Entry(s, now));
        return s;
    }

    /** Which of these volunteers are banned, read now (not from the cache): the result writer's check. */
    public Set<Long> bannedAmong(Collection<Long> volunteerIds) {
        return rows.banned(volunteerIds);
    }

    /**
     * Adds a validation batch's outcomes to the volunteers' records, in the caller's transaction, in the
     * order given (sorted by id, so two batches never wait on each other in a cycle).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void record(Collection<Outcome> outcomes) {
        rows.record(outcomes);
    }

    public void forget(long volunteerId) {
        cache.remove(volunteerId);
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void banned(VolunteerBanned event) {
        forget(event.volunteerId());
    }
}
