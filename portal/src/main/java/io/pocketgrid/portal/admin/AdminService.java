package io.pocketgrid.portal.admin;

import io.pocketgrid.portal.api.ApiException.Kind;
import io.pocketgrid.portal.api.ApiException;
import io.pocketgrid.portal.storage.Utc;
import io.pocketgrid.portal.volunteer.VolunteerBanned;
import java.time.Clock;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** What only admins may do to volunteers. */
@Service
public class AdminService {

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    AdminService(JdbcTemplate jdbc, Clock clock, ApplicationEventPublisher events) {
        this.events = events;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** What a ban changed. */
    public record Ban(String volunteerId, int resultsDiscarded, int leasesEnded) {
    }

    /**
     * Bans a volunteer: it gets no more work, its results that are not validated yet are discarded
     * and its open leases end; validated history and credit stay as they are.
     */
    @Transactional
    public Ban ban(String publicId) {
        Long id = jdbc.query("SELECT id FROM volunteer WHERE public_id = ?", rs -> rs.next() ? rs.getLong(1) : null, publicId);
        if (id == null) {
            throw new ApiException(Kind.NOT_FOUND, "UNKNOWN_VOLUNTEER", "there is no volunteer " + publicId);
        }
        jdbc.update("UPDATE volunteer SET banned = TRUE, consecutive_valid = 0 WHERE id = ?", id);
        events.publishEvent(new VolunteerBanned(id));
        // their returned replicas stop counting, so those tasks go to someone else
        jdbc.update("UPDATE assignment SET status = 'EXPIRED' WHERE id IN (SELECT assignment_id FROM result"
                + " WHERE volunteer_id = ? AND status = 'PENDING')", id);
        jdbc.update("UPDATE task SET wanted = TRUE WHERE status = 'OPEN' AND id IN (SELECT task_id FROM result"
                + " WHERE volunteer_id = ? AND status = 'PENDING')", id);
        jdbc.update("UPDATE task SET wanted = TRUE WHERE status = 'OPEN' AND id IN (SELECT task_id FROM assignment"
                + " WHERE volunteer_id = ? AND status = 'LEASED')", id);
        int discarded = jdbc.update("UPDATE result SET status = 'DISCARDED' WHERE volunteer_id = ? AND status = 'PENDING'", id);
        int ended = jdbc.update("UPDATE assignment SET status = 'EXPIRED', expires_at = ? WHERE volunteer_id = ?"
                + " AND status = 'LEASED'", Utc.at(clock.instant()), id);
        return new Ban(publicId, discarded, ended);
    }
}
