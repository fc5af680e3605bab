package io.pocketgrid.worker.engine.plan;

import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.kernel.GemmBackend;
import io.pocketgrid.worker.engine.onnx.Node;
import java.util.Arrays;

/**
 * Binds the layers that only move or reinterpret data: Transpose as a batched block transpose (or
 * nothing for the identity), and views (Reshape, Flatten, …) that give the same place new dims.
 * Each returns false, emitting nothing, when the shapes do not fit.
 */
final class LayoutLayers {

    private LayoutLayers() {
    }

    static boolean transpose(Binder binder, Layer.Transpose t) {
        GemmBackend backend = binder.backend();
        Value x = binder.value(t.input());
        int r = x.dims.length;
        int[] perm = t.perm();
        if (perm == null) {
            perm = new int[r];
            for (int i = 0; i < r; i++) {
                perm[i] = r - 1 - i;
            }
        }
        if (!x.isFloat() || perm.length != r || x.size() == 0) {
            return false;
        }
        int[] od = new int[r];
        for (int i = 0; i < r; i++) {
            if (perm[i] < 0 || perm[i] >= r) {
                return false;
            }
            od[i] = x.dims[perm[i]];
        }
        int[] split = blockSwap(perm);
        if (split == null) {
            return false;
        }
        Place in = binder.plain(x);
        if (split.length == 0) {
            binder.define(t.output(), od, in, false);
            binder.reportView(t);
            return true;
        }
        int batch = Tensor.sizeOf(Arrays.copyOfRange(x.dims, 0, split[0]));
        int rows = Tensor.sizeOf(Arrays.copyOfRange(x.dims, split[0], split[1]));
        int cols = Tensor.sizeOf(Arrays.copyOfRange(x.dims, split[1], split[2]));
        int blk = Tensor.sizeOf(Arrays.copyOfRange(x.dims, split[2], r));
        Place y = binder.place(x.size());
        binder.step(() -> backend.transpose(in.address, batch, rows, cols, blk, y.address), y, in);
        binder.define(t.output(), od, y, false);
        binder.reportKernel(t, 0);
        return true;
    }

    /**
     * {a, b, c} when {@code perm} is [0..a) [b..c) [a..b) [c..r): a swap of two adjacent groups
     * of axes, i.e. a batched block transpose; {} for the identity; null otherwise.
     */
    static int[] blockSwap(int[] perm) {
        int r = perm.length;
        int a = 0;
        while (a < r && perm[a] == a) {
            a++;
        }
        if (a == r) {
            return new int[0];
        }
        int b = perm[a];
        int len1 = 0;
        while (a + len1 < r && perm[a + len1] == b + len1) {
            len1++;
        }
        int c = b + len1;
        for (int i = 0; i < b - a; i++) {
            if (a + len1 + i >= r || perm[a + len1 + i] != a + i) {
                return null;
            }
        }
        for (int i = c; i < r; i++) {
            if (perm[i] != i) {
                return null;
            }
        }
        return new int[] {a, b, c};
    }

    static boolean view(Binder binder, Layer.View v) {
        Value x = binder.value(v.input());
        Node node = v.nodes().get(0);
        if (!x.isFloat() || x.constant != null || x.place == null && x.slot >= 0) {
            return false;
        }
        Tensor[] probe = new Tensor[node.inputs().size()];
        probe[0] = Tensor.zeros(x.type, x.dims);
        for (int j = 1; j < probe.length; j++) {
            if (node.hasInput(j)) {
                Value c = binder.value(node.input(j));
                if (c.constant == null) {
                    return false;
                }
                probe[j] = c.constant;
            }
        }
        Tensor[] out = binder.op(node).run(probe);
        binder.define(v.output(), out[0].dims(), binder.plain(x), false);
        binder.reportView(v);
        return true;
    }
}
