package io.pocketgrid.worker.engine.ops;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.kernel.IndexMaps;
import io.pocketgrid.worker.engine.onnx.Node;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Resize (opsets 10–21) and Upsample: nearest (all rounding modes), linear and cubic, applied
 * one axis at a time (the interpolations are separable), with every coordinate transformation
 * mode of the spec. Antialiasing is not supported.
 */
final class ResizeOp {

    private ResizeOp() {
    }

    static void register(Map<String, OpFactory> r) {
        r.put("Resize", ResizeOp::resize);
        r.put("Upsample", ResizeOp::upsample);
    }

    private record Config(String mode, String coord, String nearest, float cubicA, boolean excludeOutside,
            float extrapolation, long[] axes, String aspect) {
    }

    private static Op resize(Node node, int opset) {
        node.checkAttributes(Set.of("mode", "coordinate_transformation_mode", "nearest_mode", "cubic_coeff_a",
                "exclude_outside", "extrapolation_value", "antialias", "axes", "keep_aspect_ratio_policy"));
        if (node.getInt("antialias", 0) != 0) {
            throw node.unsupported("antialias=1");
        }
        String mode = node.getString("mode", "nearest");
        String coord = node.getString("coordinate_transformation_mode", opset < 11 ? "asymmetric" : "half_pixel");
        // Resize-10 follows Upsample: asymmetric coordinates, nearest rounds down.
        String nearest = opset < 11 ? "floor" : node.getString("nearest_mode", "round_prefer_floor");
        check(node, mode, Set.of("nearest", "linear", "cubic"), "mode");
        check(node, coord, Set.of("half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners",
                "asymmetric", "tf_half_pixel_for_nn", "tf_crop_and_resize"), "coordinate_transformation_mode");
        check(node, nearest, Set.of("round_prefer_floor", "round_prefer_ceil", "floor", "ceil"), "nearest_mode");
        String aspect = node.getString("keep_aspect_ratio_policy", "stretch");
        check(node, aspect, Set.of("stretch", "not_larger", "not_smaller"), "keep_aspect_ratio_policy");
        Config cfg = new Config(mode, coord, nearest, node.getFloat("cubic_coeff_a", -0.75f),
                node.getInt("exclude_outside", 0) != 0, node.getFloat("extrapolation_value", 0f),
                node.getInts("axes", null), aspect);
        return in -> {
            Tensor x = in[0];
            Tensor roi = null;
            Tensor scales;
            Tensor sizes = null;
            if (opset < 11) {
                scales = in[1];
            } else {
                roi = in.length > 1 ? in[1] : null;
                scales = in.length > 2 ? in[2] : null;
                sizes = in.length > 3 ? in[3] : null;
            }
            return Shapes.one(run(x, roi, present(scales), present(sizes), cfg));
        };
    }

    private static Op upsample(Node node, int opset) {
        node.checkAttributes(Set.of("mode", "scales", "height_scale", "width_scale"));
        String mode = node.getString("mode", "nearest");
        check(node, mode, Set.of("nearest", "linear"), "mode");
        float[] attrScales = node.getFloats("scales", null);
        if (opset < 7) {
            throw node.unsupported("opset " + opset + " Upsample");
        }
        Config cfg = new Config(mode, "asymmetric", "floor", -0.75f, false, 0f, null, "stretch");
        return in -> {
            Tensor scales = opset >= 9 ? in[1] : Tensor.ofFloats(attrScales, attrScales.length);
            return Shapes.one(run(in[0], null, scales, null, cfg));
        };
    }

    private static void check(Node node, String v, Set<String> allowed, String what) {
        if (!allowed.contains(v)) {
            throw node.unsupported(what + " '" + v + "'");
        }
    }

    private static Tensor present(Tensor t) {
        return t == null || t.size() == 0 ? null : t;
    }

    private static Tensor run(Tensor x, Tensor roiT, Tensor scalesT, Tensor sizesT, Config cfg) {
        int r = x.rank();
        int[] axes = new int[cfg.axes == null ? r : cfg.axes.length];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = cfg.axes == null ? i : Shapes.axis(cfg.axes[i], r, "Resize");
        }
        double[] scale = new double[r];
        int[] out = x.dims();
        Arrays.fill(scale, 1);
        double[] roiStart = new double[r];
        double[] roiEnd = new double[r];
        Arrays.fill(roiEnd, 1);
        if (roiT != null && roiT.size() > 0 && cfg.coord.equals("tf_crop_and_resize")) {
            if (roiT.size() != 2 * axes.length) {
                throw new EngineException("roi needs " + 2 * axes.length + " values");
            }
            for (int i = 0; i < axes.length; i++) {
                roiStart[axes[i]] = roiT.getDouble(i);
                roiEnd[axes[i]] = roiT.getDouble(i + axes.length);
            }
        }
        if (scalesT != null) {
            if (scalesT.size() != axes.length) {
                throw new EngineException("scales has " + scalesT.size() + " values for " + axes.length + " axes");
            }
            for (int i = 0; i < axes.length; i++) {
                int a = axes[i];
                scale[a] = (float) scalesT.getDouble(i);
                if (scale[a] <= 0) {
                    throw new EngineException("scales must be positive");
                }
                out[a] = (int) Math.floor(x.dim(a) * (roiEnd[a] - roiStart[a]) * scale[a] + 1e-9);
            }
        } else if (sizesT != null) {
            if (sizesT.size() != axes.length) {
                throw new EngineException("sizes has " + sizesT.size() + " values for " + axes.length + " axes");
            }
            if (cfg.aspect.equals("stretch")) {
                for (int i = 0; i < axes.length; i++) {
                    int a = axes[i];
                    out[a] = (int) sizesT.getLong(i);
                    scale[a] = (double) out[a] / x.dim(a);
                }
            } else {
                double s = cfg.aspect.equals("not_larger") ? Double.MAX_VALUE : 0;
                for (int i = 0; i < axes.length; i++) {
                    double si = (double) sizesT.getLong(i) / x.dim(axes[i]);
                    s = cfg.aspect.equals("not_larger") ? Math.min(s, si) : Math.max(s, si);
                }
                for (int a : axes) {
                    scale[a] = s;
                    out[a] = (int) Math.floor(s * x.dim(a) + 0.5);
                }
            }
        } else {
            throw new EngineException("Resize needs scales or sizes");
        }
        if (cfg.mode.equals("nearest")) {
            return nearest(x, out, scale, roiStart, roiEnd, cfg);
        }
        if (!x.type().isFloating()) {
            throw new EngineException(cfg.mode + " resize of " + x.type() + " is not supported");
        }
        Tensor cur = x;
        for (int a = 0; a < r; a++) {
            if (out[a] == cur.dim(a) && scale[a] == 1 && !cfg.coord.equals("tf_crop_and_resize")) {
                continue;
            }
            cur = resizeAxis(cur, a, out[a], scale[a], roiStart[a], roiEnd[a], cfg);
        }
        return cur;
    }

    /** x_original for output index {@code i} along an axis. */
    private static double original(int i, int inLen, int outLen, double scale, double roiStart, double roiEnd,
            String coord) {
        return switch (coord) {
            case "half_pixel" -> (i + 0.5) / scale - 0.5;
            case "half_pixel_symmetric" -> {
                double adjustment = outLen / (scale * inLen);
                double center = inLen / 2.0;
                double offset = center * (1 - adjustment);
                yield offset + (i + 0.5) / scale - 0.5;
            }
            // The spec's "length_resized" is the unrounded inLen · scale.
            case "pytorch_half_pixel" -> inLen * scale > 1 ? (i + 0.5) / scale - 0.5 : 0;
            case "align_corners" -> inLen * scale == 1 ? 0 : i * (inLen - 1.0) / (inLen * scale - 1.0);
            case "tf_half_pixel_for_nn" -> (i + 0.5) / scale;
            case "tf_crop_and_resize" -> outLen > 1
                    ? roiStart * (inLen - 1) + i * (roiEnd - roiStart) * (inLen - 1) / (outLen - 1)
                    : 0.5 * (roiStart + roiEnd) * (inLen - 1);
            default -> i / scale;
        };
    }

    private static Tensor nearest(Tensor x, int[] out, double[] scale, double[] roiStart, double[] roiEnd, Config cfg) {
        int r = x.rank();
        int[][] map = new int[r][];
        for (int a = 0; a < r; a++) {
            int inLen = x.dim(a);
            map[a] = new int[out[a]];
            boolean identity = out[a] == inLen && scale[a] == 1 && !cfg.coord.equals("tf_crop_and_resize");
            for (int i = 0; i < out[a]; i++) {
                if (identity) {
                    map[a][i] = i;
                    continue;
                }
                double xo = original(i, inLen, out[a], scale[a], roiStart[a], roiEnd[a], cfg.coord);
                if (cfg.coord.equals("tf_crop_and_resize") && (xo < 0 || xo > inLen - 1)) {
                    map[a][i] = -1;
                    continue;
                }
                double fl = Math.floor(xo);
                double frac = xo - fl;
                long idx = switch (cfg.nearest) {
                    case "round_prefer_ceil" -> frac == 0.5 ? (long) fl + 1 : Math.round(xo);
                    case "floor" -> (long) fl;
                    case "ceil" -> (long) Math.ceil(xo);
                    default -> frac == 0.5 ? (long) fl : Math.round(xo);
                };
                map[a][i] = (int) Math.max(0, Math.min(inLen - 1, idx));
            }
        }
        Tensor y = x.like(out);
        IndexMaps.gather(x.data(), x.dims(), y.data(), out, map, cfg.extrapolation);
        return y;
    }

    /** Linear or cubic interpolation along one axis. */
    private static Tensor resizeAxis(Tensor x, int a, int outLen, double scale, double roiStart, double roiEnd,
            Config cfg) {
        int[] xd = x.dims();
        int inLen = xd[a];
        boolean cubic = cfg.mode.equals("cubic");
        int taps = cubic ? 4 : 2;
        int[] idx = new int[outLen * taps];
        float[] w = new float[outLen * taps];
        boolean[] extrapolate = new boolean[outLen];
        for (int i = 0; i < outLen; i++) {
            double xo = original(i, inLen, outLen, scale, roiStart, roiEnd, cfg.coord);
            if (cfg.coord.equals("tf_crop_and_resize") && (xo < 0 || xo > inLen - 1)) {
                extrapolate[i] = true;
                continue;
            }
            if (!cubic) {
                xo = Math.max(0, Math.min(inLen - 1, xo));
            }
            int base = (int) Math.floor(xo);
            double t = xo - base;
            double[] coeff = cubic ? cubicCoeffs(t, cfg.cubicA) : new double[] {1 - t, t};
            int first = cubic ? base - 1 : base;
            double sum = 0;
            for (int k = 0; k < taps; k++) {
                int p = first + k;
                boolean outside = p < 0 || p >= inLen;
                if (outside && cfg.excludeOutside) {
                    coeff[k] = 0;
                }
                sum += coeff[k];
                idx[i * taps + k] = Math.max(0, Math.min(inLen - 1, p));
            }
            for (int k = 0; k < taps; k++) {
                w[i * taps + k] = (float) (cfg.excludeOutside && sum != 0 ? coeff[k] / sum : coeff[k]);
            }
        }
        int outer = Shapes.product(xd, 0, a);
        int inner = Shapes.product(xd, a + 1, xd.length);
        int[] od = xd.clone();
        od[a] = outLen;
        float[] xv = x.floats();
        float[] y = new float[outer * outLen * inner];
        float ext = cfg.extrapolation;
        for (int o = 0; o < outer; o++) {
            int xBase = o * inLen * inner;
            int yBase = o * outLen * inner;
            for (int i = 0; i < outLen; i++) {
                int yo = yBase + i * inner;
                if (extrapolate[i]) {
                    Arrays.fill(y, yo, yo + inner, ext);
                    continue;
                }
                for (int k = 0; k < taps; k++) {
                    float wk = w[i * taps + k];
                    int xo = xBase + idx[i * taps + k] * inner;
                    for (int j = 0; j < inner; j++) {
                        y[yo + j] += wk * xv[xo + j];
                    }
                }
            }
        }
        return Tensor.ofFloats(y, od);
    }

    private static double[] cubicCoeffs(double t, double a) {
        double t1 = t + 1;
        double t2 = 1 - t;
        double t3 = 2 - t;
        return new double[] {
            ((a * t1 - 5 * a) * t1 + 8 * a) * t1 - 4 * a,
            ((a + 2) * t - (a + 3)) * t * t + 1,
            ((a + 2) * t2 - (a + 3)) * t2 * t2 + 1,
            ((a * t3 - 5 * a) * t3 + 8 * a) * t3 - 4 * a
        };
    }
}
