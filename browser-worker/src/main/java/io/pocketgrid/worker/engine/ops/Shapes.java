package io.pocketgrid.worker.engine.ops;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;

/** Small helpers on dims and axes. */
final class Shapes {

    private Shapes() {
    }

    /** A negative axis counted from the end; throws when out of range. */
    static int axis(long axis, int rank, String op) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new EngineException(op + ": axis " + axis + " is out of range for rank " + rank);
        }
        return (int) a;
    }

    static int product(int[] dims, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) {
            p *= dims[i];
        }
        return p;
    }

    /** C-order strides. */
    static int[] strides(int[] dims) {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    /** The values of an integer tensor (a shape, axes, pads...) as longs. */
    static long[] longs(Tensor t) {
        if (t.type().isFloating()) {
            throw new EngineException("expected an integer tensor, got FLOAT " + java.util.Arrays.toString(t.dims()));
        }
        return t.longs();
    }

    static int[] toInts(long[] v) {
        int[] r = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] < Integer.MIN_VALUE || v[i] > Integer.MAX_VALUE) {
                throw new EngineException("value " + v[i] + " does not fit a dimension");
            }
            r[i] = (int) v[i];
        }
        return r;
    }

    static Tensor[] one(Tensor t) {
        return new Tensor[] {t};
    }
}
