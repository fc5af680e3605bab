package io.pocketgrid.worker.engine.ops;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.kernel.Broadcast;
import java.util.Arrays;

/**
 * The geometry of a NumPy matmul, shared by MatMul and the integer matmuls: 1-D operands are
 * promoted (and the added axis removed from the result), batch dims broadcast. Product {@code t}
 * multiplies the m×k matrix at {@code aOffsets[t]} by the k×n one at {@code bOffsets[t]} (element
 * offsets) into the m×n block {@code t} of the result.
 */
record MatMulShape(int m, int k, int n, int[] aOffsets, int[] bOffsets, int[] outDims) {

    static MatMulShape of(int[] a, int[] b) {
        if (a.length == 0 || b.length == 0) {
            throw new EngineException("MatMul needs operands of rank 1 or more");
        }
        boolean aVec = a.length == 1;
        boolean bVec = b.length == 1;
        int[] ad = aVec ? new int[] {1, a[0]} : a;
        int[] bd = bVec ? new int[] {b[0], 1} : b;
        int m = ad[ad.length - 2];
        int k = ad[ad.length - 1];
        int n = bd[bd.length - 1];
        if (bd[bd.length - 2] != k) {
            throw new EngineException("MatMul: inner dimensions differ: " + Arrays.toString(a) + " x "
                    + Arrays.toString(b));
        }
        int[] aBatch = Arrays.copyOf(ad, ad.length - 2);
        int[] bBatch = Arrays.copyOf(bd, bd.length - 2);
        int[] batch = Broadcast.dims(aBatch, bBatch);
        int nb = Tensor.sizeOf(batch);
        int[] as = Broadcast.strides(aBatch, batch);
        int[] bs = Broadcast.strides(bBatch, batch);
        int[] aOff = new int[nb];
        int[] bOff = new int[nb];
        int[] idx = new int[batch.length];
        for (int t = 0; t < nb; t++) {
            int ao = 0;
            int bo = 0;
            for (int d = 0; d < batch.length; d++) {
                ao += idx[d] * as[d];
                bo += idx[d] * bs[d];
            }
            aOff[t] = ao * m * k;
            bOff[t] = bo * k * n;
            for (int d = batch.length - 1; d >= 0; d--) {
                if (++idx[d] < batch[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        int[] od = new int[batch.length + 2 - (aVec ? 1 : 0) - (bVec ? 1 : 0)];
        System.arraycopy(batch, 0, od, 0, batch.length);
        int j = batch.length;
        if (!aVec) {
            od[j++] = m;
        }
        if (!bVec) {
            od[j] = n;
        }
        return new MatMulShape(m, k, n, aOff, bOff, od);
    }

    int products() {
        return aOffsets.length;
    }
}
