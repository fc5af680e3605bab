package io.pocketgrid.worker.engine.plan;

import io.pocketgrid.worker.engine.Tensor;

/**
 * A value while a plan is bound: its dims and type, and where it can be found — a constant, a
 * {@link HostSlots} slot, or a {@link Place} ({@code cl}: channels-last there), plus the copies
 * in C order ({@code plain}) or channels-last made once when a consumer needs them.
 */
final class Value {
    final int[] dims;
    final Tensor.Type type;
    Tensor constant;
    int slot = -1;
    Place place;
    boolean cl;
    Place plain;
    Place channelsLast;

    Value(int[] dims, Tensor.Type type) {
        this.dims = dims;
        this.type = type;
    }

    int size() {
        return Tensor.sizeOf(dims);
    }

    boolean isFloat() {
        return type.isFloat();
    }

    /** With one channel or one pixel (or rank under 3), C order and channels-last are the same bytes. */
    boolean trivial() {
        return dims.length < 3 || dims[1] == 1 || spatial() == 1;
    }

    /** Positions per channel: the product of the dims after the channel axis. */
    int spatial() {
        int s = 1;
        for (int i = 2; i < dims.length; i++) {
            s *= dims[i];
        }
        return s;
    }
}
