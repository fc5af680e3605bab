package io.pocketgrid.portal.work;

import io.pocketgrid.portal.volunteer.VolunteerService;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** The volunteer side of the worker protocol: lease and result. */
@RestController
class WorkController {

    private final VolunteerService volunteers;
    private final LeaseService leases;
    private final ResultService results;
    private final RateLimiter rateLimiter;

    WorkController(VolunteerService volunteers, LeaseService leases, ResultService results, RateLimiter rateLimiter) {
        this.rateLimiter = rateLimiter;
        this.volunteers = volunteers;
        this.leases = leases;
        this.results = results;
    }

    @PostMapping("/api/v1/work/lease")
    ResponseEntity<Lease> lease(@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String auth,
                                @RequestBody(required = false) LeaseRequest request) {
        long volunteerId = volunteers.authenticate(auth);
        rateLimiter.acquire(volunteerId);
        return leases.lease(volunteerId, request == null ? new LeaseRequest(null, null) : request)
                .map(ResponseEntity::ok)
                .orElseGet(() -> ResponseEntity.noContent().build());
    }

    @PostMapping("/api/v1/work/{leaseId}/release")
    ResponseEntity<Void> release(@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String auth,
                                 @PathVariable long leaseId, @RequestHeader("X-Lease-Token") String leaseToken) {
        long volunteerId = volunteers.authenticate(auth);
        rateLimiter.acquire(volunteerId);
        results.release(volunteerId, leaseId, leaseToken);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/api/v1/work/{leaseId}/result")
    ResultService.Receipt result(@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String auth,
                                 @PathVariable long leaseId,
                                 @RequestHeader("X-Lease-Token") String leaseToken,
                                 @RequestHeader("X-Tensor-Dims") String dims,
                                 @RequestHeader(value = "X-Elapsed-Ms", required = false) Long elapsedMs,
                                 HttpServletRequest request) throws IOException {
        long volunteerId = volunteers.authenticate(auth);
        rateLimiter.acquire(volunteerId);
        return results.submit(volunteerId, leaseId, leaseToken, dims, elapsedMs, request.getInputStream());
    }
}
