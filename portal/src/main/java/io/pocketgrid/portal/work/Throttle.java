package io.pocketgrid.portal.work;

import io.pocketgrid.portal.api.RateLimitedException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One lease per interval for volunteers whose results keep disagreeing with quorums: they may still
 * prove a good engine (a valid result improves their record), but can no longer take replica after
 * replica of a project faster than honest volunteers compute. In memory, per instance.
 */
final class Throttle {

    private static final int MAX_ENTRIES = 100_000;

    private final Duration interval;
    private final Map<Long, Instant> lastLease = new ConcurrentHashMap<>();

    Throttle(Duration interval) {
        this.interval = interval;
    }

    /** Takes this volunteer's one lease of the interval, or refuses with 429 RATE_LIMITED. */
    void acquire(long volunteerId, Instant now, int invalidResults) {
        if (lastLease.size() >= MAX_ENTRIES) {
            lastLease.clear();
        }
        Instant[] refusedUntil = new Instant[1];
        lastLease.compute(volunteerId, (id, last) -> {
            if (last != null && now.isBefore(last.plus(interval))) {
                refusedUntil[0] = last.plus(interval);
                return last;
            }
            return now;
        });
        if (refusedUntil[0] != null) {
            throw new RateLimitedException(invalidResults
                    + " of this volunteer's results disagreed with other volunteers'; it gets one task per "
                    + interval.toSeconds() + " s until its results agree again",
                    Duration.between(now, refusedUntil[0]).toSeconds() + 1);
        }
    }
}
