package io.pocketgrid.worker.engine.ops;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.kernel.Broadcast;

/**
 * Elementwise kernels with ONNX broadcasting, over float and integer tensors. Each returns a new
 * output tensor; inputs are never modified.
 */
public final class Elementwise {

    /** A float function of one element. */
    @FunctionalInterface
    public interface F1 {
        float apply(float x);
    }

    /** A float function of two elements. */
    @FunctionalInterface
    public interface F2 {
        float apply(float a, float b);
    }

    /** An integer function of two elements. */
    @FunctionalInterface
    public interface L2 {
        long apply(long a, long b);
    }

    /** A comparison of two elements, for float and integer inputs alike. */
    @FunctionalInterface
    public interface Cmp {
        boolean test(double a, double b);
    }

    static final int GENERIC = 0;
    static final int ADD = 1;
    static final int SUB = 2;
    static final int MUL = 3;
    static final int DIV = 4;

    private Elementwise() {
    }

    /** {@code out[i] = f(x[i])}; writes {@code out} (may be {@code x} itself). */
    public static void map(float[] x, float[] out, F1 f) {
        for (int i = 0; i < x.length; i++) {
            out[i] = f.apply(x[i]);
        }
    }

    public static Tensor unary(Tensor x, F1 f) {
        float[] in = x.floats();
        float[] out = new float[in.length];
        map(in, out, f);
        return Tensor.ofFloats(out, x.dims());
    }

    /** Broadcast float binary op; {@code code} picks an unrolled loop for the four arithmetic ops. */
    public static Tensor binary(Tensor a, Tensor b, int code, F2 f) {
        int[] dims = Broadcast.dims(a.dims(), b.dims());
        float[] x = a.floats();
        float[] y = b.floats();
        float[] out = new float[Tensor.sizeOf(dims)];
        if (x.length == out.length && y.length == out.length) {
            row(code, f, x, 0, 1, y, 0, 1, out, 0, out.length);
        } else {
            int[][] st = {Broadcast.strides(a.dims(), dims), Broadcast.strides(b.dims(), dims)};
            Broadcast.forEachRow(dims, st, (o, offs, steps, n) ->
                    row(code, f, x, offs[0], steps[0], y, offs[1], steps[1], out, o, n));
        }
        return Tensor.ofFloats(out, dims);
    }

    private static void row(int code, F2 f, float[] x, int xo, int sx, float[] y, int yo, int sy,
            float[] out, int o, int n) {
        switch (code) {
            case ADD -> {
                for (int i = 0; i < n; i++) {
                    out[o + i] = x[xo + i * sx] + y[yo + i * sy];
                }
            }
            case SUB -> {
                for (int i = 0; i < n; i++) {
                    out[o + i] = x[xo + i * sx] - y[yo + i * sy];
                }
            }
            case MUL -> {
                for (int i = 0; i < n; i++) {
                    out[o + i] = x[xo + i * sx] * y[yo + i * sy];
                }
            }
            case DIV -> {
                for (int i = 0; i < n; i++) {
                    out[o + i] = x[xo + i * sx] / y[yo + i * sy];
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    out[o + i] = f.apply(x[xo + i * sx], y[yo + i * sy]);
                }
            }
        }
    }

    /** Broadcast integer binary op; the result has {@code a}'s type, wrapped to its range. */
    public static Tensor binaryLong(Tensor a, Tensor b, L2 f) {
        if (a.type() != b.type()) {
            throw new EngineException("inputs have different types: " + a.type() + " and " + b.type());
        }
        int[] dims = Broadcast.dims(a.dims(), b.dims());
        long[] x = a.longs();
        long[] y = b.longs();
        long[] out = new long[Tensor.sizeOf(dims)];
        Tensor.Type t = a.type();
        int[][] st = {Broadcast.strides(a.dims(), dims), Broadcast.strides(b.dims(), dims)};
        Broadcast.forEachRow(dims, st, (o, offs, steps, n) -> {
            for (int i = 0; i < n; i++) {
                out[o + i] = t.wrap(f.apply(x[offs[0] + i * steps[0]], y[offs[1] + i * steps[1]]));
            }
        });
        return Tensor.ofLongs(t, out, dims);
    }

    /** Broadcast comparison giving a BOOL tensor. */
    public static Tensor compare(Tensor a, Tensor b, Cmp f) {
        int[] dims = Broadcast.dims(a.dims(), b.dims());
        long[] out = new long[Tensor.sizeOf(dims)];
        int[][] st = {Broadcast.strides(a.dims(), dims), Broadcast.strides(b.dims(), dims)};
        Broadcast.forEachRow(dims, st, (o, offs, steps, n) -> {
            for (int i = 0; i < n; i++) {
                out[o + i] = f.test(a.getDouble(offs[0] + i * steps[0]), b.getDouble(offs[1] + i * steps[1])) ? 1 : 0;
            }
        });
        return Tensor.ofLongs(Tensor.Type.BOOL, out, dims);
    }

    /** {@code cond ? x : y} with broadcasting over all three. */
    public static Tensor where(Tensor cond, Tensor x, Tensor y) {
        if (x.type() != y.type()) {
            throw new EngineException("Where: X is " + x.type() + " but Y is " + y.type());
        }
        int[] dims = Broadcast.dims(cond.dims(), x.dims(), y.dims());
        Tensor out = Tensor.zeros(x.type(), dims);
        long[] c = cond.longs();
        int[][] st = {Broadcast.strides(cond.dims(), dims), Broadcast.strides(x.dims(), dims),
                Broadcast.strides(y.dims(), dims)};
        Object xd = x.data();
        Object yd = y.data();
        Object od = out.data();
        Broadcast.forEachRow(dims, st, (o, offs, steps, n) -> {
            for (int i = 0; i < n; i++) {
                if (c[offs[0] + i * steps[0]] != 0) {
                    System.arraycopy(xd, offs[1] + i * steps[1], od, o + i, 1);
                } else {
                    System.arraycopy(yd, offs[2] + i * steps[2], od, o + i, 1);
                }
            }
        });
        return out;
    }
}
