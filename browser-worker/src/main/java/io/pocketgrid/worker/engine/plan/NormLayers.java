package io.pocketgrid.worker.engine.plan;

import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.kernel.GemmBackend;
import java.util.Arrays;

/**
 * Binds the normalizing layers: a per-channel scale and shift (BatchNormalization), Softmax and
 * LayerNormalization over rows of the tail axes. Each returns false, emitting nothing, when the
 * shapes do not fit.
 */
final class NormLayers {

    private NormLayers() {
    }

    static boolean channelAffine(Binder binder, Layer.ChannelAffine ca) {
        GemmBackend backend = binder.backend();
        Value x = binder.value(ca.input());
        if (!x.isFloat() || x.dims.length < 2 || x.dims[1] != ca.channels() || x.size() == 0) {
            return false;
        }
        boolean cl = x.dims.length >= 3;
        Place in = cl ? binder.channelsLast(x) : binder.plain(x);
        int cols = ca.channels();
        int rows = x.size() / cols;
        Place y = binder.place(x.size());
        binder.step(() -> backend.channelAffine(in.address, rows, cols, ca.scale(), ca.shift(), y.address), y, in);
        binder.define(ca.output(), x.dims, y, cl);
        binder.reportKernel(ca, 2L * x.size());
        return true;
    }

    static boolean softmax(Binder binder, Layer.Softmax s) {
        GemmBackend backend = binder.backend();
        Value x = binder.value(s.input());
        int r = x.dims.length;
        int axis = s.axis() < 0 ? s.axis() + r : s.axis();
        if (!x.isFloat() || r == 0 || axis < 0 || axis >= r || !s.flattenTail() && axis != r - 1 || x.size() == 0) {
            return false;
        }
        int cols = Tensor.sizeOf(Arrays.copyOfRange(x.dims, axis, r));
        int rows = x.size() / cols;
        Place in = binder.plain(x);
        Place y = binder.place(x.size());
        binder.step(() -> backend.softmax(in.address, rows, cols, y.address), y, in);
        binder.define(s.output(), x.dims, y, false);
        binder.reportKernel(s, 3L * x.size());
        return true;
    }

    static boolean layerNorm(Binder binder, Layer.LayerNorm l) {
        GemmBackend backend = binder.backend();
        Value x = binder.value(l.input());
        int r = x.dims.length;
        int axis = l.axis() < 0 ? l.axis() + r : l.axis();
        if (!x.isFloat() || axis < 0 || axis >= r || x.size() == 0) {
            return false;
        }
        int cols = Tensor.sizeOf(Arrays.copyOfRange(x.dims, axis, r));
        if (binder.constant(l.nodes().get(0).input(1)).size() != cols) {
            return false;
        }
        int rows = x.size() / cols;
        Place in = binder.plain(x);
        Place y = binder.place(x.size());
        binder.step(() -> backend.layerNorm(in.address, rows, cols, l.gamma(), l.beta(), l.eps(), y.address), y, in);
        binder.define(l.output(), x.dims, y, false);
        binder.reportKernel(l, 5L * x.size());
        return true;
    }
}
