package io.pocketgrid.worker.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class JavaGemmBackendTest {

    private final Random rnd = new Random(3);

    @Test
    void packedGemmWithBiasAndReluMatchesANaiveProduct() {
        for (int m : new int[] {1, 2, 3, 5, 33}) {
            for (int n : new int[] {1, 7, 8, 9, 17}) {
                for (int k : new int[] {1, 9, 31}) {
                    for (boolean relu : new boolean[] {false, true}) {
                        check(m, n, k, relu, rnd.nextBoolean());
                    }
                }
            }
        }
    }

    private void check(int m, int n, int k, boolean relu, boolean transposed) {
        float[] a = random(m * (k + 2));
        float[] b = random(k * n);
        float[] bias = random(n);
        JavaGemmBackend be = new JavaGemmBackend();
        int aAt = upload(be, a);
        int bAt = upload(be, PackedB.pack(b, 0, k, n, transposed, 1f));
        int biasAt = upload(be, bias);
        int cAt = be.alloc(m * (n + 3));
        be.gemm(m, n, k, aAt, k + 2, bAt, biasAt, relu, cAt, n + 3);
        float[] c = new float[m * (n + 3)];
        be.read(cAt, c, 0, c.length);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = bias[j];
                for (int p = 0; p < k; p++) {
                    s += a[i * (k + 2) + p] * (transposed ? b[j * k + p] : b[p * n + j]);
                }
                float want = relu ? (float) Math.max(0, s) : (float) s;
                assertThat(c[i * (n + 3) + j]).as("m=%d n=%d k=%d (%d,%d)", m, n, k, i, j)
                        .isCloseTo(want, org.assertj.core.data.Offset.offset(1e-4f + 1e-5f * Math.abs(want)));
            }
        }
    }

    @Test
    void arenaReusesFreedRegionsAndMergesNeighbours() {
        Arena arena = new Arena(0);
        int a = arena.alloc(10);
        int b = arena.alloc(3);
        int c = arena.alloc(8);
        assertThat(new int[] {a, b, c}).containsExactly(0, 12, 16);
        arena.free(a);
        arena.free(b);
        assertThat(arena.alloc(16)).isEqualTo(0);
        assertThat(arena.top()).isEqualTo(24);
    }

    private static int upload(GemmBackend be, float[] v) {
        int at = be.alloc(v.length);
        be.write(at, v, 0, v.length);
        return at;
    }

    private float[] random(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }
}
