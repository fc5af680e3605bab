package io.pocketgrid.worker.engine.kernel;

/**
 * The one float matrix multiply every op goes through (Gemm, MatMul, Conv via im2col,
 * ConvTranspose), so that a faster kernel (WebAssembly SIMD in the browser) can replace it in one
 * place. Row-major, BLAS-style arguments.
 */
public final class Sgemm {

    /** Columns of B kept hot while a block of rows of A streams past. */
    private static final int NC = 512;
    /** Depth of one block: KC rows of a B panel (KC × NC floats = 512 KB at most). */
    private static final int KC = 256;

    private Sgemm() {
    }

    /**
     * {@code C = alpha · op(A) · op(B) + beta · C}, where op(A) is m×k and op(B) is k×n.
     * Modifies {@code c} only (rows {@code cOff + i·ldc}, columns 0..n-1). With {@code beta == 0}
     * the old contents of C are ignored (even NaN).
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
            float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        scale(m, n, beta, c, cOff, ldc);
        if (k == 0 || alpha == 0f) {
            return;
        }
        if (transA) {
            a = transpose(a, aOff, lda, k, m);
            aOff = 0;
            lda = k;
        }
        if (transB) {
            b = transpose(b, bOff, ldb, n, k);
            bOff = 0;
            ldb = n;
        }
        for (int j0 = 0; j0 < n; j0 += NC) {
            int nc = Math.min(NC, n - j0);
            for (int p0 = 0; p0 < k; p0 += KC) {
                int kc = Math.min(KC, k - p0);
                block(m, nc, kc, alpha, a, aOff + p0, lda, b, bOff + p0 * ldb + j0, ldb, c, cOff + j0, ldc);
            }
        }
    }

    /** C[m×nc] += alpha · A[m×kc] · B[kc×nc], four rows of C at a time to reuse each B row. */
    private static void block(int m, int nc, int kc, float alpha, float[] a, int aOff, int lda,
            float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int a0 = aOff + i * lda;
            int c0 = cOff + i * ldc;
            int c1 = c0 + ldc;
            int c2 = c1 + ldc;
            int c3 = c2 + ldc;
            for (int p = 0; p < kc; p++) {
                float x0 = alpha * a[a0 + p];
                float x1 = alpha * a[a0 + lda + p];
                float x2 = alpha * a[a0 + 2 * lda + p];
                float x3 = alpha * a[a0 + 3 * lda + p];
                int bp = bOff + p * ldb;
                for (int j = 0; j < nc; j++) {
                    float bv = b[bp + j];
                    c[c0 + j] += x0 * bv;
                    c[c1 + j] += x1 * bv;
                    c[c2 + j] += x2 * bv;
                    c[c3 + j] += x3 * bv;
                }
            }
        }
        for (; i < m; i++) {
            int a0 = aOff + i * lda;
            int c0 = cOff + i * ldc;
            for (int p = 0; p < kc; p++) {
                float x = alpha * a[a0 + p];
                int bp = bOff + p * ldb;
                for (int j = 0; j < nc; j++) {
                    c[c0 + j] += x * b[bp + j];
                }
            }
        }
    }

    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        if (beta == 1f) {
            return;
        }
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                c[row + j] = beta == 0f ? 0f : beta * c[row + j];
            }
        }
    }

    /** Copies the rows×cols matrix at {@code src} (leading dim ld) transposed into a new cols×rows one. */
    private static float[] transpose(float[] src, int off, int ld, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            int s = off + r * ld;
            for (int col = 0; col < cols; col++) {
                t[col * rows + r] = src[s + col];
            }
        }
        return t;
    }
}
