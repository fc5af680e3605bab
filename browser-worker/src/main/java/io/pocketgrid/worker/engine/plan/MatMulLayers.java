package io.pocketgrid.worker.engine.plan;

import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.kernel.GemmBackend;
import io.pocketgrid.worker.engine.kernel.PackedB;
import java.util.Arrays;

/**
 * Binds the GEMM layers: Gemm/MatMul with weights packed at load ({@link Layer.Dense}) and MatMul
 * of two computed tensors, B packed per batch at run time ({@link Layer.BatchedMatMul}). Each
 * returns false, emitting nothing, when the shapes do not fit.
 */
final class MatMulLayers {

    private static final float INF = Float.POSITIVE_INFINITY;

    private MatMulLayers() {
    }

    static boolean dense(Binder binder, Layer.Dense d) {
        GemmBackend backend = binder.backend();
        Value x = binder.value(d.input());
        boolean gemm = d.nodes().get(0).opType().equals("Gemm");
        if (!x.isFloat() || x.dims.length < 2 || gemm && x.dims.length != 2 || x.dims[x.dims.length - 1] != d.k()
                || x.size() == 0) {
            return false;
        }
        int m = x.size() / d.k();
        int[] od = x.dims.clone();
        od[od.length - 1] = d.n();
        Value r = d.residual() == null ? null : binder.value(d.residual());
        if (r != null && !(r.isFloat() && Arrays.equals(r.dims, od))) {
            return false;
        }
        Place a = binder.plain(x);
        Place res = r == null ? null : binder.plain(r);
        Place y = binder.place(m * d.n());
        binder.step(() -> backend.gemm(m, d.n(), d.k(), a.address, d.k(), d.packed(), d.bias(),
                res == null ? -1 : res.address, d.lo(), d.hi(), y.address, d.n()), y, a, res);
        binder.define(d.output(), od, y, false);
        binder.reportKernel(d, 2L * m * d.n() * d.k());
        return true;
    }

    static boolean batchedMatMul(Binder binder, Layer.BatchedMatMul mm) {
        GemmBackend backend = binder.backend();
        Value a = binder.value(mm.a());
        Value b = binder.value(mm.b());
        if (!a.isFloat() || !b.isFloat() || a.dims.length < 2 || b.dims.length < 2 || a.size() == 0
                || b.size() == 0) {
            return false;
        }
        int ra = a.dims.length;
        int rb = b.dims.length;
        int m = a.dims[ra - 2];
        int k = a.dims[ra - 1];
        int n = b.dims[rb - 1];
        if (b.dims[rb - 2] != k) {
            return false;
        }
        int[] lead;
        boolean sharedA = false;
        boolean sharedB = false;
        if (rb == 2) {
            lead = Arrays.copyOf(a.dims, ra - 2);
            sharedB = true;
        } else if (ra == 2) {
            lead = Arrays.copyOf(b.dims, rb - 2);
            sharedA = true;
        } else if (Arrays.equals(Arrays.copyOf(a.dims, ra - 2), Arrays.copyOf(b.dims, rb - 2))) {
            lead = Arrays.copyOf(a.dims, ra - 2);
        } else {
            return false;
        }
        int batch = Tensor.sizeOf(lead);
        int[] od = Arrays.copyOf(lead, lead.length + 2);
        od[lead.length] = m;
        od[lead.length + 1] = n;
        binder.label("MatMul batched");
        Place ab = binder.plain(a);
        Place bb = binder.plain(b);
        Place packed = binder.place(PackedB.size(k, n));
        Place y = binder.place(batch * m * n);
        boolean oneA = sharedA;
        boolean oneB = sharedB;
        binder.step(() -> {
            for (int i = 0; i < batch; i++) {
                if (i == 0 || !oneB) {
                    backend.packB(bb.address + (oneB ? 0 : i * k * n), k, n, n, 1, packed.address);
                }
                backend.gemm(m, n, k, ab.address + (oneA ? 0 : i * m * k), k, packed.address, -1, -1, -INF, INF,
                        y.address + i * m * n, n);
            }
        }, y, ab, bb, packed);
        binder.define(mm.output(), od, y, false);
        binder.reportKernel(mm, 2L * batch * m * n * k);
        return true;
    }
}
