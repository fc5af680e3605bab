package io.pocketgrid.worker.engine.ops;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.kernel.Im2col;
import io.pocketgrid.worker.engine.kernel.Sgemm;
import io.pocketgrid.worker.engine.onnx.Node;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/** Conv (im2col + {@link Sgemm}) and ConvTranspose (Sgemm + col2im), any spatial rank. */
final class ConvOps {

    private ConvOps() {
    }

    static void register(Map<String, OpFactory> r) {
        r.put("Conv", ConvOps::conv);
        r.put("ConvTranspose", ConvOps::convTranspose);
    }

    private static Op conv(Node node, int opset) {
        node.checkAttributes(Set.of("auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"));
        Window win = new Window(node);
        int group = (int) node.getInt("group", 1);
        return new Op() {
            @Override
            public Tensor[] run(Tensor[] in) {
                Tensor x = in[0];
                Tensor w = in[1];
                Tensor b = in.length > 2 ? in[2] : null;
                int[] xd = x.dims();
                int[] wd = w.dims();
                Window.Geometry g = geometry(xd, wd, win, group);
                int r = xd.length - 2;
                int n = xd[0];
                int c = xd[1];
                int m = wd[0];
                int cg = wd[1];
                int mg = m / group;
                int nK = g.kernelSize();
                int nOut = g.outSize();
                int inSize = g.inSize();
                int rows = cg * nK;
                boolean direct = nK == 1 && isIdentity(g);
                int[] table = direct ? null : Im2col.table(g.out(), g.in(), g.kernel(), g.strides(), g.dilations(),
                        g.padBegin(), g.padEnd());
                float[] xv = x.floats();
                float[] wv = w.floats();
                float[] col = direct ? null : new float[rows * nOut];
                int[] yd = new int[xd.length];
                yd[0] = n;
                yd[1] = m;
                System.arraycopy(g.out(), 0, yd, 2, r);
                float[] y = new float[n * m * nOut];
                float[] bias = b == null ? null : b.floats();
                for (int img = 0; img < n; img++) {
                    for (int grp = 0; grp < group; grp++) {
                        int xOff = (img * c + grp * cg) * inSize;
                        int yOff = (img * m + grp * mg) * nOut;
                        float beta = 0f;
                        if (bias != null) {
                            for (int oc = 0; oc < mg; oc++) {
                                Arrays.fill(y, yOff + oc * nOut, yOff + (oc + 1) * nOut, bias[grp * mg + oc]);
                            }
                            beta = 1f;
                        }
                        if (direct) {
                            Sgemm.sgemm(false, false, mg, nOut, rows, 1f, wv, grp * mg * rows, rows, xv, xOff, nOut,
                                    beta, y, yOff, nOut);
                        } else {
                            Im2col.im2col(xv, xOff, cg, inSize, table, nK, nOut, col);
                            Sgemm.sgemm(false, false, mg, nOut, rows, 1f, wv, grp * mg * rows, rows, col, 0, nOut,
                                    beta, y, yOff, nOut);
                        }
                    }
                }
                return Shapes.one(Tensor.ofFloats(y, yd));
            }

            @Override
            public long flops(Tensor[] in, Tensor[] out) {
                int[] wd = in[1].dims();
                long perOut = Shapes.product(wd, 1, wd.length);
                return out[0].size() * (2 * perOut + (in.length > 2 && in[2] != null ? 1 : 0));
            }
        };
    }

    private static boolean isIdentity(Window.Geometry g) {
        for (int d = 0; d < g.in().length; d++) {
            if (g.strides()[d] != 1 || g.padBegin()[d] != 0 || g.padEnd()[d] != 0 || g.in()[d] != g.out()[d]) {
                return false;
            }
        }
        return true;
    }

    private static Op convTranspose(Node node, int opset) {
        node.checkAttributes(Set.of("auto_pad", "dilations", "group", "kernel_shape", "output_padding",
                "output_shape", "pads", "strides"));
        Window win = new Window(node);
        int group = (int) node.getInt("group", 1);
        long[] outputPadding = node.getInts("output_padding", null);
        long[] outputShape = node.getInts("output_shape", null);
        return new Op() {
            @Override
            public Tensor[] run(Tensor[] in) {
                Tensor x = in[0];
                Tensor w = in[1];
                Tensor b = in.length > 2 ? in[2] : null;
                int[] xd = x.dims();
                int[] wd = w.dims();
                int r = xd.length - 2;
                if (r < 1 || wd.length != xd.length) {
                    throw new EngineException("X " + Arrays.toString(xd) + " and W " + Arrays.toString(wd)
                            + " must both be N-D with N >= 3");
                }
                int n = xd[0];
                int c = xd[1];
                if (wd[0] != c || c % group != 0) {
                    throw new EngineException("W " + Arrays.toString(wd) + " does not match " + c + " input channels");
                }
                int cg = c / group;
                int mg = wd[1];
                int m = mg * group;
                int[] inSp = Arrays.copyOfRange(xd, 2, xd.length);
                int[] kernel = win.kernel(r, Arrays.copyOfRange(wd, 2, wd.length));
                int[] s = Window.fill(win.strides, r, "strides");
                int[] dl = Window.fill(win.dilations, r, "dilations");
                int[] op = new int[r];
                int[] pb = new int[r];
                int[] pe = new int[r];
                int[] out = new int[r];
                for (int d = 0; d < r; d++) {
                    op[d] = outputPadding == null ? 0 : (int) outputPadding[d];
                    int ek = (kernel[d] - 1) * dl[d] + 1;
                    int full = s[d] * (inSp[d] - 1) + op[d] + ek;
                    boolean same = win.autoPad.startsWith("SAME");
                    if (outputShape != null || same) {
                        int target = outputShape != null ? (int) outputShape[outputShape.length - r + d] : inSp[d] * s[d];
                        int total = full - target;
                        // As the ONNX reference (Python floor division): a negative total extends the end.
                        if (win.autoPad.equals("SAME_UPPER")) {
                            pb[d] = Math.floorDiv(total, 2);
                            pe[d] = total - pb[d];
                        } else {
                            pe[d] = Math.floorDiv(total, 2);
                            pb[d] = total - pe[d];
                        }
                    } else if (win.pads != null && !win.autoPad.equals("VALID")) {
                        pb[d] = (int) win.pads[d];
                        pe[d] = (int) win.pads[d + r];
                    }
                    out[d] = full - pb[d] - pe[d];
                }
                int nK = Shapes.product(kernel, 0, r);
                int nIn = Shapes.product(inSp, 0, r);
                int nOut = Shapes.product(out, 0, r);
                int[] table = Im2col.table(inSp, out, kernel, s, dl, pb, new int[r]);
                float[] xv = x.floats();
                float[] wv = w.floats();
                float[] col = new float[mg * nK * nIn];
                float[] y = new float[n * m * nOut];
                float[] bias = b == null ? null : b.floats();
                for (int img = 0; img < n; img++) {
                    for (int grp = 0; grp < group; grp++) {
                        int xOff = (img * c + grp * cg) * nIn;
                        Sgemm.sgemm(true, false, mg * nK, nIn, cg, 1f, wv, grp * cg * mg * nK, mg * nK, xv, xOff, nIn,
                                0f, col, 0, nIn);
                        Im2col.col2im(col, mg, table, nK, nIn, y, (img * m + grp * mg) * nOut, nOut);
                    }
                    if (bias != null) {
                        for (int oc = 0; oc < m; oc++) {
                            int base = (img * m + oc) * nOut;
                            for (int i = 0; i < nOut; i++) {
                                y[base + i] += bias[oc];
                            }
                        }
                    }
                }
                int[] yd = new int[xd.length];
                yd[0] = n;
                yd[1] = m;
                System.arraycopy(out, 0, yd, 2, r);
                return Shapes.one(Tensor.ofFloats(y, yd));
            }

            @Override
            public long flops(Tensor[] in, Tensor[] out) {
                int[] wd = in[1].dims();
                long perIn = Shapes.product(wd, 1, wd.length);
                return 2L * in[0].size() * perIn + (in.length > 2 && in[2] != null ? out[0].size() : 0);
            }
        };
    }

    /**
     * The geometry of a convolution of X by W, after the checks every conv op makes (the float one
     * and the integer ones): both N-D with N >= 3, channels matching W and the group, and
     * kernel_shape, when given, equal to W's.
     */
    static Window.Geometry geometry(int[] xd, int[] wd, Window win, int group) {
        int r = xd.length - 2;
        if (r < 1 || wd.length != xd.length) {
            throw new EngineException("X " + Arrays.toString(xd) + " and W " + Arrays.toString(wd)
                    + " must both be N-D with N >= 3");
        }
        if (group < 1 || xd[1] != wd[1] * group || wd[0] % group != 0) {
            throw new EngineException("channels " + xd[1] + " do not match W " + Arrays.toString(wd) + " with group " + group);
        }
        int[] kernel = Arrays.copyOfRange(wd, 2, wd.length);
        Window.Geometry g = win.forward(Arrays.copyOfRange(xd, 2, xd.length), win.kernel(r, kernel));
        if (!Arrays.equals(g.kernel(), kernel)) {
            throw new EngineException("kernel_shape " + Arrays.toString(g.kernel()) + " differs from W");
        }
        return g;
    }
}
