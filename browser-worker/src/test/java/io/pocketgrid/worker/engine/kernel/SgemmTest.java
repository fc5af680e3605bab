package io.pocketgrid.worker.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SgemmTest {

    @Test
    void matchesNaiveProductForAllTransposesAndOddSizes() {
        Random rnd = new Random(11);
        int[][] shapes = {{1, 1, 1}, {3, 5, 7}, {17, 33, 9}, {64, 600, 300}, {5, 1030, 2}};
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                float[] a = random(rnd, m * k);
                float[] b = random(rnd, k * n);
                float[] c = random(rnd, m * n);
                float[] expected = c.clone();
                naive(ta, tb, m, n, k, 0.7f, a, b, 0.3f, expected);

                Sgemm.sgemm(ta, tb, m, n, k, 0.7f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0.3f, c, 0, n);

                for (int i = 0; i < c.length; i++) {
                    assertThat(c[i]).as("m=%d n=%d k=%d ta=%s tb=%s i=%d", m, n, k, ta, tb, i)
                            .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-3f + 1e-4f * Math.abs(expected[i])));
                }
            }
        }
    }

    @Test
    void betaZeroIgnoresGarbageInC() {
        float[] c = {Float.NaN};
        Sgemm.sgemm(false, false, 1, 1, 1, 1f, new float[] {2}, 0, 1, new float[] {3}, 0, 1, 0f, c, 0, 1);
        assertThat(c[0]).isEqualTo(6f);
    }

    static void naive(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, float[] b, float beta,
            float[] c) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = ta ? a[p * m + i] : a[i * k + p];
                    double bv = tb ? b[j * k + p] : b[p * n + j];
                    s += av * bv;
                }
                c[i * n + j] = (float) (alpha * s + beta * c[i * n + j]);
            }
        }
    }

    static float[] random(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }
}
