import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.pocketgrid.portal.api.TokenBuckets;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongUnaryOperator;

/**
 * The work API's per-client limit two ways: PocketGrid's TokenBuckets (rate r, burst 2r, continuous refill)
 * and resilience4j-ratelimiter's registry (one AtomicRateLimiter per key; the nearest setting is 2r permits
 * per 2 s window). Prints figures, asserts nothing.
 */
public final class RateBench {

    static volatile long sink;

    public static void main(String[] args) throws Exception {
        double rate = 50; // pocketgrid.requests-per-second default, burst 100
        int keys = 1_000;
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 3;

        TokenBuckets<Long> ours = new TokenBuckets<>(rate, 2 * rate);
        RateLimiterRegistry r4j = RateLimiterRegistry.of(config(rate));
        LongUnaryOperator oursTake = id -> ours.take(id);
        LongUnaryOperator r4jTake = id -> take(r4j, id);

        // granted path: many keys, each called rarely enough to stay under its limit
        for (int round = 0; round < 3; round++) {
            System.out.printf("granted, %d keys, 1 thread : ours %6.1f ns/call   resilience4j %6.1f ns/call%n", keys,
                    nsPerCall(oursTake, keys, seconds, 1), nsPerCall(r4jTake, keys, seconds, 1));
        }
        // refused path: one key far over its limit
        TokenBuckets<Long> oursTight = new TokenBuckets<>(1, 2);
        RateLimiterRegistry r4jTight = RateLimiterRegistry.of(config(1));
        for (int round = 0; round < 2; round++) {
            System.out.printf("refused, 1 key, 1 thread    : ours %6.1f ns/call   resilience4j %6.1f ns/call%n",
                    nsPerCall(id -> oursTight.take(id), 1, seconds, 1), nsPerCall(id -> take(r4jTight, id), 1, seconds, 1));
        }
        // both cores on one key (a volunteer's workers) and on many
        for (int round = 0; round < 2; round++) {
            System.out.printf("2 threads, 1 key (refused)  : ours %6.1f ns/call   resilience4j %6.1f ns/call%n",
                    nsPerCall(id -> oursTight.take(id), 1, seconds, 2), nsPerCall(id -> take(r4jTight, id), 1, seconds, 2));
            System.out.printf("2 threads, %d keys         : ours %6.1f ns/call   resilience4j %6.1f ns/call%n", keys,
                    nsPerCall(oursTake, keys, seconds, 2), nsPerCall(r4jTake, keys, seconds, 2));
        }

        // memory: retained heap per client key
        int many = 200_000;
        System.out.printf("heap per key (%d keys)      : ours %6.0f B   resilience4j %6.0f B%n", many,
                bytesPerKey(many, n -> {
                    TokenBuckets<Long> t = new TokenBuckets<>(rate, 2 * rate);
                    for (long i = 0; i < n; i++) {
                        t.take(i);
                    }
                    return t;
                }), bytesPerKey(many, n -> {
                    RateLimiterRegistry r = RateLimiterRegistry.of(config(rate));
                    for (long i = 0; i < n; i++) {
                        take(r, i);
                    }
                    return r;
                }));

        // behaviour: the most one client gets within 100 ms, rate 20/s (burst 40), first call after 1.95 s idle
        TokenBuckets<Long> b = new TokenBuckets<>(20, 40);
        RateLimiterRegistry rr = RateLimiterRegistry.of(config(20));
        rr.rateLimiter("7"); // both limiters exist from now on, as for a client seen before
        b.take(7L);
        Thread.sleep(1950);
        int oursGranted = 0;
        int r4jGranted = 0;
        long end = System.nanoTime() + 100_000_000L;
        while (System.nanoTime() < end) {
            oursGranted += b.take(7L) == 0 ? 1 : 0;
            r4jGranted += take(rr, 7L) == 0 ? 1 : 0;
        }
        System.out.printf("granted in 100 ms after 1.95 s idle, rate 20/s burst 40: ours %d   resilience4j %d%n",
                oursGranted, r4jGranted);
        // behaviour: what a client that spent its burst is told to wait
        long oursWait;
        while ((oursWait = b.take(7L)) == 0) {
            // spend what refilled meanwhile
        }
        long r4jWait;
        while ((r4jWait = take(rr, 7L)) == 0) {
            // likewise
        }
        System.out.printf("Retry-After at the first refusal: ours %d s   resilience4j %d s%n", oursWait, r4jWait);
    }

    /** 2r permits per 2 s: the same average and burst as TokenBuckets(r, 2r), refilled once per window. */
    static RateLimiterConfig config(double perSecond) {
        return RateLimiterConfig.custom().limitForPeriod((int) Math.max(1, 2 * perSecond))
                .limitRefreshPeriod(Duration.ofSeconds(2)).timeoutDuration(Duration.ZERO).build();
    }

    /** TokenBuckets.take's contract: 0 when granted, else whole seconds to wait (at least 1). */
    static long take(RateLimiterRegistry registry, long id) {
        RateLimiter limiter = registry.rateLimiter(Long.toString(id));
        if (limiter.acquirePermission()) {
            return 0;
        }
        long nanos = ((AtomicRateLimiter) limiter).getDetailedMetrics().getNanosToWait();
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    static double nsPerCall(LongUnaryOperator take, int keys, long seconds, int threads) throws InterruptedException {
        LongAdder calls = new LongAdder();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int offset = t;
            ts.add(Thread.ofPlatform().start(() -> {
                long n = 0;
                long acc = 0;
                long key = offset;
                while ((n & 1023) != 0 || System.nanoTime() < deadline) {
                    acc += take.applyAsLong(key);
                    key = key + 1 == keys ? 0 : key + 1;
                    n++;
                }
                calls.add(n);
                sink += acc;
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        return seconds * 1e9 * threads / calls.sum();
    }

    interface Filler {
        Object fill(int n);
    }

    static double bytesPerKey(int n, Filler filler) {
        long before = used();
        Object kept = filler.fill(n);
        long after = used();
        sink += kept.hashCode();
        return (after - before) / (double) n;
    }

    static long used() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
