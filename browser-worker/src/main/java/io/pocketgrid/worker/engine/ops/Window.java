package io.pocketgrid.worker.engine.ops;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.onnx.Node;
import java.util.Arrays;

/**
 * The sliding-window attributes shared by Conv, ConvTranspose and the pools (public for the
 * accelerated plan, which resolves the same geometry).
 */
public final class Window {

    final String autoPad;
    final long[] kernelShape;
    final long[] strides;
    final long[] dilations;
    final long[] pads;
    final boolean ceilMode;

    public Window(Node node) {
        autoPad = node.getString("auto_pad", "NOTSET");
        if (!autoPad.equals("NOTSET") && !autoPad.equals("SAME_UPPER") && !autoPad.equals("SAME_LOWER")
                && !autoPad.equals("VALID")) {
            throw node.unsupported("auto_pad '" + autoPad + "'");
        }
        kernelShape = node.getInts("kernel_shape", null);
        strides = node.getInts("strides", null);
        dilations = node.getInts("dilations", null);
        pads = node.getInts("pads", null);
        ceilMode = node.getInt("ceil_mode", 0) != 0;
    }

    /** Resolved geometry for one input: all arrays have the spatial rank. */
    public record Geometry(int[] in, int[] kernel, int[] strides, int[] dilations, int[] padBegin, int[] padEnd, int[] out) {
        int outSize() {
            return Shapes.product(out, 0, out.length);
        }

        int inSize() {
            return Shapes.product(in, 0, in.length);
        }

        int kernelSize() {
            return Shapes.product(kernel, 0, kernel.length);
        }
    }

    public int[] kernel(int r, int[] fromWeights) {
        int[] k = new int[r];
        for (int d = 0; d < r; d++) {
            k[d] = kernelShape != null ? (int) kernelShape[d] : fromWeights[d];
        }
        return k;
    }

    /** Geometry of a forward window (Conv, pools) over spatial dims {@code in}. */
    public Geometry forward(int[] in, int[] kernel) {
        int r = in.length;
        int[] s = fill(strides, r, "strides");
        int[] dl = fill(dilations, r, "dilations");
        int[] pb = new int[r];
        int[] pe = new int[r];
        int[] out = new int[r];
        if (kernelShape != null && kernelShape.length != r) {
            throw new EngineException("kernel_shape has " + kernelShape.length + " values for " + r + " spatial dims");
        }
        for (int d = 0; d < r; d++) {
            int ek = (kernel[d] - 1) * dl[d] + 1;
            switch (autoPad) {
                case "SAME_UPPER", "SAME_LOWER" -> {
                    out[d] = (in[d] + s[d] - 1) / s[d];
                    int total = Math.max(0, (out[d] - 1) * s[d] + ek - in[d]);
                    int small = total / 2;
                    pb[d] = autoPad.equals("SAME_UPPER") ? small : total - small;
                    pe[d] = total - pb[d];
                }
                case "VALID" -> out[d] = Math.max(0, (in[d] - ek) / s[d] + 1);
                default -> {
                    if (pads != null) {
                        if (pads.length != 2 * r) {
                            throw new EngineException("pads has " + pads.length + " values for " + r + " spatial dims");
                        }
                        pb[d] = (int) pads[d];
                        pe[d] = (int) pads[d + r];
                    }
                    int span = in[d] + pb[d] + pe[d] - ek;
                    if (span < 0) {
                        throw new EngineException("kernel " + Arrays.toString(kernel) + " larger than padded input "
                                + Arrays.toString(in));
                    }
                    if (ceilMode) {
                        out[d] = (span + s[d] - 1) / s[d] + 1;
                        if ((out[d] - 1) * s[d] >= in[d] + pb[d]) {
                            out[d]--;
                        }
                    } else {
                        out[d] = span / s[d] + 1;
                    }
                }
            }
        }
        return new Geometry(in, kernel, s, dl, pb, pe, out);
    }

    static int[] fill(long[] v, int r, String what) {
        int[] out = new int[r];
        for (int d = 0; d < r; d++) {
            if (v != null && v.length != r) {
                throw new EngineException(what + " has " + v.length + " values for " + r + " spatial dims");
            }
            out[d] = v == null ? 1 : (int) v[d];
            if (out[d] < 1) {
                throw new EngineException(what + " must be positive: " + Arrays.toString(v));
            }
        }
        return out;
    }
}
