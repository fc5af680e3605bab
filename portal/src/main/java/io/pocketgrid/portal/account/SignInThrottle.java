package io.pocketgrid.portal.account;

import io.pocketgrid.portal.api.LimitsProperties;
import io.pocketgrid.portal.api.RateLimitedException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Slows password guessing, per username and per client address, in memory per instance: after
 * {@code signInFailuresPerUsername} (or {@code …PerAddress}) failures the name (or address) is
 * locked for {@code signInLock}, doubled with every further failure up to {@code signInMaxLock}.
 * While locked, attempts are refused without looking at the password and do not lengthen the
 * lock, so every lock ends. An address where this username signed in before is not held back by
 * the username's lock (only by its own): a guesser elsewhere cannot lock the owner out.
 */
@Component
class SignInThrottle {

    private static final int MAX_TRACKED = 100_000;
    private static final long KNOWN_FOR_NANOS = 30L * 24 * 3600 * 1_000_000_000L;

    private final LimitsProperties limits;
    private final Map<String, Failures> usernames = new ConcurrentHashMap<>();
    private final Map<String, Failures> addresses = new ConcurrentHashMap<>();
    private final Map<String, Long> knownPairs = new ConcurrentHashMap<>();

    SignInThrottle(LimitsProperties limits) {
        this.limits = limits;
    }

    /** Refuses with 429 RATE_LIMITED while the address, or the username (from an address it never used), is locked. */
    void check(String username, String address) {
        long now = System.nanoTime();
        long wait = remaining(get(addresses, address), now);
        if (!known(username, address, now)) {
            wait = Math.max(wait, remaining(get(usernames, key(username)), now));
        }
        if (wait > 0) {
            throw new RateLimitedException("too many failed sign-ins; try again in " + describe(wait),
                    (wait + 999_999_999L) / 1_000_000_000L);
        }
    }

    void failed(String username, String address) {
        long now = System.nanoTime();
        record(addresses, address, limits.signInFailuresPerAddress(), now);
        record(usernames, key(username), limits.signInFailuresPerUsername(), now);
    }

    void succeeded(String username, String address) {
        String name = key(username);
        if (name == null) {
            return;
        }
        usernames.remove(name);
        if (knownPairs.size() < MAX_TRACKED) {
            knownPairs.put(key(username) + '|' + address, System.nanoTime());
        }
    }

    @Scheduled(fixedDelay = 60_000)
    void forgetOld() {
        long now = System.nanoTime();
        long forget = limits.signInForget().toNanos();
        usernames.values().removeIf(f -> f.idle(now, forget));
        addresses.values().removeIf(f -> f.idle(now, forget));
        knownPairs.values().removeIf(at -> now - at > KNOWN_FOR_NANOS);
    }

    private boolean known(String username, String address, long now) {
        Long at = knownPairs.get(key(username) + '|' + address);
        return at != null && now - at < KNOWN_FOR_NANOS;
    }

    private void record(Map<String, Failures> map, String key, int threshold, long now) {
        if (key == null || (map.size() >= MAX_TRACKED && !map.containsKey(key))) {
            return;
        }
        Failures f = map.computeIfAbsent(key, k -> new Failures(now));
        synchronized (f) {
            if (f.lockedUntil - now > 0) {
                return; // refused attempts never get this far; a race must not lengthen the lock either
            }
            if (now - f.last > limits.signInForget().toNanos()) {
                f.count = 0;
            }
            f.count++;
            f.last = now;
            if (f.count >= threshold) {
                int doublings = Math.min(20, f.count - threshold);
                long lock = Math.min(limits.signInMaxLock().toNanos(), limits.signInLock().toNanos() << doublings);
                f.lockedUntil = now + lock;
            }
        }
    }

    private static Failures get(Map<String, Failures> map, String key) {
        return key == null ? null : map.get(key);
    }

    private static long remaining(Failures f, long now) {
        if (f == null) {
            return 0;
        }
        synchronized (f) {
            return Math.max(0, f.lockedUntil - now);
        }
    }

    private static String key(String username) {
        return username == null || username.length() > 100 ? null : username.strip().toLowerCase(Locale.ROOT);
    }

    private static String describe(long nanos) {
        long seconds = (nanos + 999_999_999L) / 1_000_000_000L;
        return seconds < 90 ? seconds + " seconds" : (seconds + 59) / 60 + " minutes";
    }

    private static final class Failures {
        int count;
        long last;
        long lockedUntil;

        Failures(long now) {
            last = now;
            lockedUntil = now; // not locked: a lock is a lockedUntil after now
        }

        synchronized boolean idle(long now, long forget) {
            return now - last > forget && lockedUntil - now <= 0;
        }
    }
}
