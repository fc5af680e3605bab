package io.pocketgrid.worker.loop;

import io.pocketgrid.worker.engine.kernel.GemmBackend;
import io.pocketgrid.worker.engine.kernel.PackedB;
import java.util.function.LongSupplier;

/**
 * A short device benchmark: times the GEMM kernel the worker's models run on over one fixed
 * product the size of a small CNN layer (a 3×3 convolution from 32 to 32 channels over a 16×16
 * patch: m 256, k 288, n 32, with bias and Relu) and reports GFLOP/s. The server sizes tasks from
 * the figure and the loop estimates whether a lease can finish before its deadline.
 */
public final class DeviceBenchmark {

    static final int M = 256;
    static final int N = 32;
    static final int K = 288;

    private DeviceBenchmark() {
    }

    /**
     * Runs the product on {@code backend} for {@code warmupMillis} (so the JIT tiers up), then
     * counts products for {@code measureMillis}. Allocates in the backend and frees what it took;
     * the backend is not closed. {@code nanoTime} is a monotonic clock in nanoseconds.
     *
     * @return GFLOP/s (2 FLOPs per multiply-add), always positive
     */
    public static double gflops(GemmBackend backend, LongSupplier nanoTime, long warmupMillis, long measureMillis) {
        int a = backend.alloc(M * K);
        int b = backend.alloc(PackedB.size(K, N));
        int bias = backend.alloc(N);
        int c = backend.alloc(M * N);
        try {
            float[] av = pattern(M * K, 1);
            backend.write(a, av, 0, av.length);
            float[] bv = PackedB.pack(pattern(K * N, 2), 0, K, N, false, 1f);
            backend.write(b, bv, 0, bv.length);
            backend.write(bias, pattern(N, 3), 0, N);
            runFor(backend, a, b, bias, c, nanoTime, warmupMillis * 1_000_000L);
            long started = nanoTime.getAsLong();
            long products = runFor(backend, a, b, bias, c, nanoTime, measureMillis * 1_000_000L);
            long elapsed = Math.max(1, nanoTime.getAsLong() - started);
            return 2.0 * M * N * K * products / elapsed;
        } finally {
            backend.free(c);
            backend.free(bias);
            backend.free(b);
            backend.free(a);
        }
    }

    /** Runs products until {@code nanos} have passed, at least one; returns how many ran. */
    private static long runFor(GemmBackend backend, int a, int b, int bias, int c, LongSupplier nanoTime, long nanos) {
        long start = nanoTime.getAsLong();
        long count = 0;
        do {
            backend.gemm(M, N, K, a, K, b, bias, -1, 0f, Float.POSITIVE_INFINITY, c, N);
            count++;
        } while (nanoTime.getAsLong() - start < nanos);
        return count;
    }

    /** Small, varied, deterministic values (no denormals, no zeros a kernel could skip). */
    private static float[] pattern(int n, int seed) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = ((i * 31 + seed * 17) % 29 - 14) / 16f + 0.03125f;
        }
        return v;
    }
}
