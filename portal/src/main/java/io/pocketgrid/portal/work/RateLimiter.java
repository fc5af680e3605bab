package io.pocketgrid.portal.work;

import io.pocketgrid.portal.api.ClientAddress;
import io.pocketgrid.portal.api.LimitsProperties;
import io.pocketgrid.portal.api.RateLimitedException;
import io.pocketgrid.portal.api.TokenBuckets;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Token buckets for the worker API, kept in memory: each portal instance limits what reaches it,
 * which is what protects its database. One per volunteer for every worker call
 * ({@code pocketgrid.requests-per-second}, bursts of twice that), and one per client address for
 * leases ({@code pocketgrid.limits.lease-*}): many tokens from one address share it, so minting
 * volunteers does not multiply what an address may take. Full buckets are dropped every minute.
 */
@Component
class RateLimiter {

    private final TokenBuckets<Long> volunteers;
    private final TokenBuckets<String> leaseAddresses;
    private final ClientAddress clients;

    RateLimiter(WorkProperties properties, LimitsProperties limits, ClientAddress clients) {
        this.volunteers = new TokenBuckets<>(properties.requestsPerSecond(), 2 * properties.requestsPerSecond());
        this.leaseAddresses = new TokenBuckets<>(limits.leasesPerSecond(), limits.leaseBurst());
        this.clients = clients;
    }

    /** Takes one request from the volunteer's bucket, or refuses with 429 RATE_LIMITED. */
    void acquire(long volunteerId) {
        long wait = volunteers.take(volunteerId);
        if (wait > 0) {
            throw new RateLimitedException("too many requests from this volunteer; slow down", wait);
        }
    }

    /** Takes one lease from the client address's bucket, or refuses with 429 RATE_LIMITED. */
    void acquireLease(HttpServletRequest request) {
        if (clients.exempt(request)) {
            return;
        }
        long wait = leaseAddresses.take(clients.of(request));
        if (wait > 0) {
            throw new RateLimitedException("too many leases from this address; slow down", wait);
        }
    }

    @Scheduled(fixedDelay = 60_000)
    void dropIdle() {
        volunteers.dropFull();
        leaseAddresses.dropFull();
    }
}
