package io.pocketgrid.worker.engine.plan;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.kernel.Broadcast;
import io.pocketgrid.worker.engine.kernel.GemmBackend;
import java.util.Arrays;

/**
 * Binds the layers that work value by value: unary activations and clamps, and Add/Mul of the
 * same shape or broadcast per channel, over trailing axes or per item. Results stay channels-last
 * where their inputs are. Each returns false, emitting nothing, when the shapes do not fit.
 */
final class ElementwiseLayers {

    private ElementwiseLayers() {
    }

    static boolean unary(Binder binder, Layer.Unary u) {
        GemmBackend backend = binder.backend();
        Value x = binder.value(u.input());
        if (!x.isFloat()) {
            return false;
        }
        boolean cl = x.place != null && x.cl;
        Place in = cl ? x.place : binder.plain(x);
        Place y = binder.place(x.size());
        int len = x.size();
        float alpha = u.alpha();
        float beta = u.beta();
        int op = u.op();
        binder.step(switch (op) {
            case Layer.Unary.CLAMP -> () -> backend.clamp(in.address, len, alpha, beta, y.address);
            case Layer.Unary.AFFINE -> () -> backend.affine(in.address, len, alpha, beta, y.address);
            default -> () -> backend.unary(op, in.address, len, alpha, beta, y.address);
        }, y, in);
        binder.define(u.output(), x.dims, y, cl);
        binder.reportKernel(u, (long) len * u.nodes().size());
        return true;
    }

    static boolean binary(Binder binder, Layer.Binary bl) {
        GemmBackend backend = binder.backend();
        Value a = binder.value(bl.a());
        Value b = bl.constant() >= 0 ? null : binder.value(bl.b());
        int[] bd = b != null ? b.dims : binder.constant(bl.b()).dims();
        if (!a.isFloat() || b != null && !b.isFloat()) {
            return false;
        }
        int[] od;
        try {
            od = Broadcast.dims(a.dims, bd);
        } catch (EngineException e) {
            return false;
        }
        if (!Arrays.equals(od, a.dims) && b != null && Arrays.equals(od, b.dims)) {
            Value t = a;
            a = b;
            b = t;
            bd = b.dims;
        }
        if (!Arrays.equals(od, a.dims) || a.size() == 0) {
            return false;
        }
        int len = a.size();
        int yLen;
        boolean cl;
        int bSize = Tensor.sizeOf(bd);
        int batches = 1;
        if (Arrays.equals(bd, a.dims)) {
            cl = a.place != null && a.cl && (b == null ? a.trivial() : b.place != null && b.cl);
            yLen = len;
        } else if (a.dims.length >= 3 && perChannel(bd, a.dims) && (a.place != null && a.cl || !suffix(bd, a.dims))) {
            cl = true;
            yLen = a.dims[1];
        } else if (suffix(bd, a.dims)) {
            cl = false;
            yLen = bSize;
        } else if (bd.length == a.dims.length && bd[0] == a.dims[0]
                && suffix(Arrays.copyOfRange(bd, 1, bd.length), Arrays.copyOfRange(a.dims, 1, a.dims.length))) {
            // One b per item, repeated over the item's tail (an attention mask [n, 1, 1, s] over scores).
            cl = false;
            batches = a.dims[0];
            yLen = bSize / batches;
        } else {
            return false;
        }
        Place in = cl ? binder.channelsLast(a) : binder.plain(a);
        Place other = b == null ? null : cl ? binder.channelsLast(b) : binder.plain(b);
        int constAt = bl.constant();
        Place y = binder.place(len);
        boolean mul = bl.mul();
        int ylen = yLen;
        int items = batches;
        int per = len / items;
        binder.step(() -> {
            int at = other == null ? constAt : other.address;
            for (int i = 0; i < items; i++) {
                if (mul) {
                    backend.mul(in.address + i * per, at + i * ylen, per, ylen, y.address + i * per);
                } else {
                    backend.add(in.address + i * per, at + i * ylen, per, ylen, y.address + i * per);
                }
            }
        }, y, in, other);
        binder.define(bl.output(), od, y, cl);
        binder.reportKernel(bl, len);
        return true;
    }

    /** True when {@code b} broadcast over {@code a} is one value per channel (axis 1) of a. */
    private static boolean perChannel(int[] b, int[] a) {
        int off = a.length - b.length;
        for (int i = 0; i < b.length; i++) {
            int axis = i + off;
            if (b[i] != (axis == 1 ? a[1] : 1)) {
                return false;
            }
        }
        return off <= 1;
    }

    /** True when {@code b}, leading ones dropped, equals the trailing dims of {@code a}. */
    private static boolean suffix(int[] b, int[] a) {
        int from = 0;
        while (from < b.length && b[from] == 1) {
            from++;
        }
        int len = b.length - from;
        if (len > a.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (b[from + i] != a[a.length - len + i]) {
                return false;
            }
        }
        return true;
    }
}
