package io.pocketgrid.portal.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets by key (a volunteer, a client address), in memory: {@code burst} calls at once,
 * then {@code perSecond}. A full bucket says nothing a fresh one would not, so {@link #dropFull}
 * forgets those; the owner calls it now and then.
 */
public final class TokenBuckets<K> {

    private final double perSecond;
    private final double burst;
    private final Map<K, Bucket> buckets = new ConcurrentHashMap<>();

    public TokenBuckets(double perSecond, double burst) {
        if (perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("a bucket needs a positive rate and a burst of at least 1");
        }
        this.perSecond = perSecond;
        this.burst = burst;
    }

    /** Takes one token; 0 when granted, else the whole seconds until one is there (at least 1). */
    public long take(K key) {
        long now = System.nanoTime();
        Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        synchronized (b) {
            b.refill(now, perSecond, burst);
            if (b.tokens < 1) {
                return Math.max(1, (long) Math.ceil((1 - b.tokens) / perSecond));
            }
            b.tokens -= 1;
            return 0;
        }
    }

    public void dropFull() {
        long now = System.nanoTime();
        buckets.values().removeIf(b -> {
            synchronized (b) {
                b.refill(now, perSecond, burst);
                return b.tokens >= burst;
            }
        });
    }

    int size() {
        return buckets.size();
    }

    private static final class Bucket {
        double tokens;
        long updatedNanos;

        Bucket(double tokens, long updatedNanos) {
            this.tokens = tokens;
            this.updatedNanos = updatedNanos;
        }

        void refill(long now, double perSecond, double burst) {
            tokens = Math.min(burst, tokens + (now - updatedNanos) / 1e9 * perSecond);
            updatedNanos = now;
        }
    }
}
