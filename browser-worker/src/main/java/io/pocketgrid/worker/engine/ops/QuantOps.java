package io.pocketgrid.worker.engine.ops;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.onnx.Node;
import io.pocketgrid.worker.engine.onnx.OnnxParser;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Linear quantization: QuantizeLinear, DequantizeLinear (per tensor, per axis, and opset 21's
 * blocks) and DynamicQuantizeLinear. Scaled values round half to even and saturate to the
 * integer type, as ONNX specifies; the integer matrix products are in {@link QuantLinearOps}.
 */
final class QuantOps {

    private QuantOps() {
    }

    static void register(Map<String, OpFactory> r) {
        r.put("QuantizeLinear", QuantOps::quantize);
        r.put("DequantizeLinear", QuantOps::dequantize);
        r.put("DynamicQuantizeLinear", QuantOps::dynamicQuantize);
    }

    private static Op quantize(Node node, int opset) {
        node.checkAttributes(Set.of("axis", "saturate", "block_size", "output_dtype"));
        Layout layout = new Layout(node);
        int dtype = (int) node.getInt("output_dtype", 0);
        Tensor.Type declared = dtype == 0 ? null : Tensor.Type.fromOnnx(dtype);
        if (dtype != 0 && (declared == null || !isQuantized(declared))) {
            throw node.unsupported("output_dtype " + OnnxParser.typeName(dtype));
        }
        return in -> {
            Tensor x = in[0];
            Tensor zp = in.length > 2 ? in[2] : null;
            Tensor.Type to = zp != null ? zp.type() : declared != null ? declared : Tensor.Type.UINT8;
            if (!isQuantized(to) || declared != null && declared != to) {
                throw new EngineException("cannot quantize to " + to + (declared != null ? " (output_dtype "
                        + declared + ")" : ""));
            }
            float[] xv = x.type().isFloating() ? x.floats() : CastOps.cast(x, Tensor.Type.FLOAT).floats();
            float[] s = in[1].floats();
            long[] z = zp == null ? null : zp.longs();
            int[] idx = layout.index(x.dims(), in[1], zp);
            long lo = min(to);
            long hi = max(to);
            long[] y = new long[xv.length];
            for (int i = 0; i < y.length; i++) {
                int k = idx == null ? 0 : idx[i];
                y[i] = saturate(xv[i] / s[k], z == null ? 0 : z[k], lo, hi);
            }
            return Shapes.one(Tensor.ofLongs(to, y, x.dims()));
        };
    }

    private static Op dequantize(Node node, int opset) {
        node.checkAttributes(Set.of("axis", "block_size"));
        Layout layout = new Layout(node);
        return in -> {
            Tensor x = in[0];
            Tensor scale = in[1];
            Tensor zp = in.length > 2 ? in[2] : null;
            if (x.type().isFloating() || zp != null && zp.type() != x.type()) {
                throw new EngineException("cannot dequantize " + x.type() + (zp != null ? " with a " + zp.type()
                        + " zero point" : ""));
            }
            long[] xv = x.longs();
            float[] s = scale.floats();
            long[] z = zp == null ? null : zp.longs();
            int[] idx = layout.index(x.dims(), scale, zp);
            float[] y = new float[xv.length];
            for (int i = 0; i < y.length; i++) {
                int k = idx == null ? 0 : idx[i];
                y[i] = ((float) xv[i] - (z == null ? 0f : (float) z[k])) * s[k];
            }
            return Shapes.one(Tensor.ofFloats(scale.type(), y, x.dims()));
        };
    }

    /** Opset 11: uint8 with scale and zero point chosen so that the range of x (and 0) fits. */
    private static Op dynamicQuantize(Node node, int opset) {
        node.checkAttributes(Set.of());
        return in -> {
            float[] x = in[0].floats();
            float lo = 0;
            float hi = 0;
            for (float v : x) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            float scale = f32((hi - lo) / 255f);
            long zp = scale == 0 ? 0 : saturate(-lo / scale, 0, 0, 255);
            long[] y = new long[x.length];
            for (int i = 0; scale != 0 && i < y.length; i++) {
                y[i] = saturate(x[i] / scale, zp, 0, 255);
            }
            return new Tensor[] {Tensor.ofLongs(Tensor.Type.UINT8, y, in[0].dims()), Tensor.scalar(scale),
                Tensor.ofLongs(Tensor.Type.UINT8, new long[] {zp})};
        };
    }

    /**
     * {@code round_half_even(v) + zeroPoint}, clamped to [lo, hi]; NaN gives the zero point.
     * {@code v} is first rounded to float32: TeaVM's JavaScript keeps float arithmetic in double
     * precision, which moves ties.
     */
    static long saturate(float v, long zeroPoint, long lo, long hi) {
        v = f32(v);
        if (Float.isNaN(v)) {
            return Math.max(lo, Math.min(hi, zeroPoint));
        }
        double q = Math.rint(v) + zeroPoint;
        return q <= lo ? lo : q >= hi ? hi : (long) q;
    }

    /**
     * {@code v} as a float32 on every target (a no-op on the JVM and Wasm; on TeaVM's JavaScript a
     * float expression may hold a double until stored).
     */
    static float f32(float v) {
        return Float.intBitsToFloat(Float.floatToRawIntBits(v));
    }

    static boolean isQuantized(Tensor.Type t) {
        return t == Tensor.Type.UINT8 || t == Tensor.Type.INT8 || t == Tensor.Type.UINT16 || t == Tensor.Type.INT16;
    }

    static long min(Tensor.Type t) {
        return switch (t) {
            case INT8 -> -128;
            case INT16 -> -32768;
            default -> 0;
        };
    }

    static long max(Tensor.Type t) {
        return switch (t) {
            case INT8 -> 127;
            case INT16 -> 32767;
            case UINT16 -> 65535;
            default -> 255;
        };
    }

    /** Which scale and zero point each element uses: per tensor, per axis or (opset 21) per block. */
    private static final class Layout {
        private final long axis;
        private final long block;

        Layout(Node node) {
            axis = node.getInt("axis", 1);
            block = node.getInt("block_size", 0);
            if (block < 0) {
                throw node.unsupported("negative block_size");
            }
        }

        /** Per element, the index into the scale; null when one scale serves all. */
        int[] index(int[] xd, Tensor scale, Tensor zp) {
            if (zp != null && !Arrays.equals(zp.dims(), scale.dims())) {
                throw new EngineException("zero point " + Arrays.toString(zp.dims()) + " and scale "
                        + Arrays.toString(scale.dims()) + " differ in shape");
            }
            if (scale.size() == 1 && scale.rank() <= 1 && block == 0) {
                return null;
            }
            int r = xd.length;
            int a = (int) (axis < 0 ? axis + r : axis);
            if (a < 0 || a >= r) {
                throw new EngineException("axis " + axis + " out of range for rank " + r);
            }
            int outer = Shapes.product(xd, 0, a);
            int n = xd[a];
            int inner = Shapes.product(xd, a + 1, r);
            int[] sd = scale.dims();
            int per;
            if (block == 0) {
                if (sd.length != 1 || sd[0] != n) {
                    throw new EngineException("per-axis scale " + Arrays.toString(sd) + " must have " + n
                            + " values (axis " + a + " of " + Arrays.toString(xd) + ")");
                }
                per = 1;
            } else {
                int[] want = xd.clone();
                want[a] = (int) ((n + block - 1) / block);
                if (!Arrays.equals(sd, want)) {
                    throw new EngineException("blocked scale " + Arrays.toString(sd) + " must be "
                            + Arrays.toString(want) + " for block_size " + block);
                }
                per = (int) block;
            }
            int[] idx = new int[Tensor.sizeOf(xd)];
            int i = 0;
            for (int o = 0; o < outer; o++) {
                for (int c = 0; c < n; c++) {
                    int k = block == 0 ? c : (o * sd[a] + c / per) * inner;
                    for (int j = 0; j < inner; j++) {
                        idx[i++] = block == 0 ? k : k + j;
                    }
                }
            }
            return idx;
        }
    }
}
