package io.pocketgrid.portal.work;

import io.pocketgrid.portal.api.ApiException;
import io.pocketgrid.portal.config.PocketGridProperties;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.HttpStatus;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * A token bucket per volunteer for the worker API, kept in memory: each portal instance limits
 * what reaches it, which is what protects its database. Idle buckets are dropped every minute.
 */
@Component
class RateLimiter {

    private final double perSecond;
    private final double burst;
    private final Map<Long, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimiter(PocketGridProperties properties) {
        this.perSecond = properties.requestsPerSecond();
        this.burst = 2 * properties.requestsPerSecond();
    }

    /** Takes one request from the volunteer's bucket, or refuses with 429 RATE_LIMITED. */
    void acquire(long volunteerId) {
        long now = System.nanoTime();
        Bucket b = buckets.computeIfAbsent(volunteerId, id -> new Bucket(burst, now));
        synchronized (b) {
            b.tokens = Math.min(burst, b.tokens + (now - b.updatedNanos) / 1e9 * perSecond);
            b.updatedNanos = now;
            if (b.tokens < 1) {
                throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "RATE_LIMITED",
                        "too many requests from this volunteer; slow down");
            }
            b.tokens -= 1;
        }
    }

    @Scheduled(fixedDelay = 60_000)
    void dropIdle() {
        long cutoff = System.nanoTime() - 60_000_000_000L;
        buckets.values().removeIf(b -> b.updatedNanos < cutoff);
    }

    private static final class Bucket {
        double tokens;
        long updatedNanos;

        Bucket(double tokens, long updatedNanos) {
            this.tokens = tokens;
            this.updatedNanos = updatedNanos;
        }
    }
}
