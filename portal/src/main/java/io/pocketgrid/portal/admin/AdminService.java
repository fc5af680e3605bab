package io.pocketgrid.portal.admin;

import io.pocketgrid.portal.api.ApiException.Kind;
import io.pocketgrid.portal.api.ApiException;
import io.pocketgrid.portal.validation.ValidationService;
import io.pocketgrid.portal.volunteer.VolunteerService;
import io.pocketgrid.portal.work.LeaseService;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** What only admins may do to volunteers. */
@Service
public class AdminService {

    private final VolunteerService volunteers;
    private final LeaseService leases;
    private final ValidationService validation;

    AdminService(VolunteerService volunteers, LeaseService leases, ValidationService validation) {
        this.volunteers = volunteers;
        this.leases = leases;
        this.validation = validation;
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
        long id = volunteers.idOf(publicId).orElseThrow(
                () -> new ApiException(Kind.NOT_FOUND, "UNKNOWN_VOLUNTEER", "there is no volunteer " + publicId));
        volunteers.ban(id);
        // their returned replicas stop counting, so those tasks go to someone else
        int ended = leases.endWorkOfBanned(id, validation.pendingOf(id));
        int discarded = validation.discardPending(id);
        return new Ban(publicId, discarded, ended);
    }
}
