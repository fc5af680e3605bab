package io.pocketgrid.worker.engine.ops;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.kernel.Broadcast;
import io.pocketgrid.worker.engine.kernel.IndexMaps;
import io.pocketgrid.worker.engine.onnx.Node;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Ops that only change shape or move data — reshape, transpose, concat/split/slice, expand/tile, pad,
 * triangles, depth ↔ space: no arithmetic, no FLOPs. Public only for
 * {@link #reshapeDims}, which the accelerated plan shares.
 */
public final class ShapeOps {

    private ShapeOps() {
    }


    static void register(Map<String, OpFactory> r) {
        r.put("Identity", ShapeOps::identity);
        r.put("Flatten", ShapeOps::flatten);
        r.put("Reshape", ShapeOps::reshape);
        r.put("Transpose", ShapeOps::transpose);
        r.put("Concat", ShapeOps::concat);
        r.put("Split", ShapeOps::split);
        r.put("Slice", ShapeOps::slice);
        r.put("Squeeze", ShapeOps::squeeze);
        r.put("Unsqueeze", ShapeOps::unsqueeze);
        r.put("Shape", ShapeOps::shape);
        r.put("Size", (node, opset) -> {
            node.checkAttributes(Set.of());
            return (Move) in -> Shapes.one(Tensor.ofLongs(new long[] {in[0].size()}));
        });
        r.put("Dropout", ShapeOps::dropout);
        r.put("Expand", ShapeOps::expand);
        r.put("Tile", ShapeOps::tile);
        r.put("Pad", PadOp::create);
        r.put("Trilu", ShapeOps::trilu);
        r.put("DepthToSpace", (n, o) -> depthSpace(n, true));
        r.put("SpaceToDepth", (n, o) -> depthSpace(n, false));
    }

    static Op identity(Node node, int opset) {
        node.checkAttributes(Set.of());
        return (Move) in -> Shapes.one(in[0]);
    }

    static Op flatten(Node node, int opset) {
        node.checkAttributes(Set.of("axis"));
        long axis = node.getInt("axis", 1);
        return (Move) in -> {
            int[] d = in[0].dims();
            long a = axis < 0 ? axis + d.length : axis;
            if (a < 0 || a > d.length) {
                throw new EngineException("axis " + axis + " out of range for rank " + d.length);
            }
            return Shapes.one(in[0].reshape(Shapes.product(d, 0, (int) a), Shapes.product(d, (int) a, d.length)));
        };
    }

    static Op reshape(Node node, int opset) {
        node.checkAttributes(Set.of("allowzero", "shape", "consumed_inputs"));
        boolean allowZero = node.getInt("allowzero", 0) != 0;
        long[] attrShape = opset < 5 ? node.getInts("shape", null) : null;
        return (Move) in -> {
            long[] shape = attrShape != null ? attrShape : Shapes.longs(in[1]);
            return Shapes.one(in[0].reshape(reshapeDims(in[0].dims(), shape, allowZero)));
        };
    }

    /** Reshape's output dims (0 copies the input dim unless {@code allowZero}; one -1 is inferred). */
    public static int[] reshapeDims(int[] from, long[] shape, boolean allowZero) {
        int[] out = new int[shape.length];
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.length; i++) {
            long s = shape[i];
            if (s == -1) {
                if (infer >= 0) {
                    throw new EngineException("more than one -1 in shape " + Arrays.toString(shape));
                }
                infer = i;
                continue;
            }
            if (s == 0 && !allowZero) {
                if (i >= from.length) {
                    throw new EngineException("0 at axis " + i + " but input has rank " + from.length);
                }
                s = from[i];
            }
            if (s < 0) {
                throw new EngineException("bad dimension " + s + " in shape " + Arrays.toString(shape));
            }
            out[i] = (int) s;
            known *= s;
        }
        int size = Tensor.sizeOf(from);
        if (infer >= 0) {
            if (known == 0 || size % known != 0) {
                throw new EngineException("cannot reshape " + Arrays.toString(from) + " to " + Arrays.toString(shape));
            }
            out[infer] = (int) (size / known);
        } else if (known != size) {
            throw new EngineException("cannot reshape " + Arrays.toString(from) + " to " + Arrays.toString(shape));
        }
        return out;
    }

    private static Op transpose(Node node, int opset) {
        node.checkAttributes(Set.of("perm"));
        long[] perm = node.getInts("perm", null);
        return (Move) in -> {
            Tensor x = in[0];
            int r = x.rank();
            int[] p = new int[r];
            if (perm == null) {
                for (int i = 0; i < r; i++) {
                    p[i] = r - 1 - i;
                }
            } else {
                if (perm.length != r) {
                    throw new EngineException("perm " + Arrays.toString(perm) + " does not match rank " + r);
                }
                boolean[] seen = new boolean[r];
                for (int i = 0; i < r; i++) {
                    p[i] = Shapes.axis(perm[i], r, "Transpose");
                    if (seen[p[i]]) {
                        throw new EngineException("perm repeats axis " + p[i]);
                    }
                    seen[p[i]] = true;
                }
            }
            int[] od = new int[r];
            for (int i = 0; i < r; i++) {
                od[i] = x.dim(p[i]);
            }
            Tensor out = x.like(od);
            IndexMaps.transpose(x.data(), x.dims(), p, out.data());
            return Shapes.one(out);
        };
    }

    private static Op concat(Node node, int opset) {
        node.checkAttributes(Set.of("axis"));
        if (!node.has("axis") && opset >= 4) {
            throw node.unsupported("missing required attribute 'axis'");
        }
        long axis = node.getInt("axis", 1);
        return (Move) in -> {
            Tensor first = null;
            for (Tensor t : in) {
                if (t != null) {
                    first = t;
                    break;
                }
            }
            int r = first.rank();
            int a = Shapes.axis(axis, r, "Concat");
            int[] od = first.dims();
            int total = 0;
            for (Tensor t : in) {
                if (t.rank() != r || t.type() != first.type()) {
                    throw new EngineException("inputs differ in rank or type");
                }
                for (int d = 0; d < r; d++) {
                    if (d != a && t.dim(d) != od[d]) {
                        throw new EngineException("input dims " + Arrays.toString(t.dims()) + " do not match "
                                + Arrays.toString(od) + " off axis " + a);
                    }
                }
                total += t.dim(a);
            }
            od[a] = total;
            Tensor out = first.like(od);
            int outer = Shapes.product(od, 0, a);
            int inner = Shapes.product(od, a + 1, r);
            int outRow = total * inner;
            int pos = 0;
            for (Tensor t : in) {
                int chunk = t.dim(a) * inner;
                for (int o = 0; o < outer; o++) {
                    System.arraycopy(t.data(), o * chunk, out.data(), o * outRow + pos, chunk);
                }
                pos += chunk;
            }
            return Shapes.one(out);
        };
    }

    private static Op split(Node node, int opset) {
        node.checkAttributes(Set.of("axis", "split", "num_outputs"));
        long axis = node.getInt("axis", 0);
        long[] attrSplit = opset < 13 ? node.getInts("split", null) : null;
        int nOut = node.outputs().size();
        return (Move) in -> {
            Tensor x = in[0];
            int r = x.rank();
            int a = Shapes.axis(axis, r, "Split");
            int len = x.dim(a);
            long[] split = attrSplit;
            if (opset >= 13 && in.length > 1 && in[1] != null) {
                split = Shapes.longs(in[1]);
            } else if (opset < 13 && opset < 2 && in.length > 1 && in[1] != null) {
                split = Shapes.longs(in[1]);
            }
            if (split == null) {
                split = new long[nOut];
                int each = (len + nOut - 1) / nOut; // opset 18: the last chunk may be smaller
                if (opset < 18 && len % nOut != 0) {
                    throw new EngineException("axis length " + len + " does not split evenly in " + nOut);
                }
                for (int i = 0; i < nOut; i++) {
                    split[i] = Math.max(0, Math.min(each, len - (long) each * i));
                }
            }
            if (split.length != nOut) {
                throw new EngineException("split has " + split.length + " parts for " + nOut + " outputs");
            }
            long sum = 0;
            for (long s : split) {
                sum += s;
            }
            if (sum != len) {
                throw new EngineException("split " + Arrays.toString(split) + " does not add up to " + len);
            }
            int[] xd = x.dims();
            int outer = Shapes.product(xd, 0, a);
            int inner = Shapes.product(xd, a + 1, r);
            Tensor[] outs = new Tensor[nOut];
            int pos = 0;
            for (int i = 0; i < nOut; i++) {
                int[] od = x.dims();
                od[a] = (int) split[i];
                Tensor o = x.like(od);
                int chunk = od[a] * inner;
                for (int k = 0; k < outer; k++) {
                    System.arraycopy(x.data(), k * len * inner + pos, o.data(), k * chunk, chunk);
                }
                pos += chunk;
                outs[i] = o;
            }
            return outs;
        };
    }

    private static Op slice(Node node, int opset) {
        node.checkAttributes(opset < 10 ? Set.of("starts", "ends", "axes") : Set.of());
        long[] aStarts = node.getInts("starts", null);
        long[] aEnds = node.getInts("ends", null);
        long[] aAxes = node.getInts("axes", null);
        return (Move) in -> {
            Tensor x = in[0];
            long[] starts = opset < 10 ? aStarts : Shapes.longs(in[1]);
            long[] ends = opset < 10 ? aEnds : Shapes.longs(in[2]);
            long[] axes = opset < 10 ? aAxes : in.length > 3 && in[3] != null ? Shapes.longs(in[3]) : null;
            long[] steps = opset >= 10 && in.length > 4 && in[4] != null ? Shapes.longs(in[4]) : null;
            int r = x.rank();
            int[] od = x.dims();
            int[][] map = new int[r][];
            boolean[] done = new boolean[r];
            for (int i = 0; i < starts.length; i++) {
                int a = axes == null ? i : Shapes.axis(axes[i], r, "Slice");
                if (done[a]) {
                    throw new EngineException("axis " + a + " given twice");
                }
                done[a] = true;
                long step = steps == null ? 1 : steps[i];
                if (step == 0) {
                    throw new EngineException("step 0");
                }
                long dim = x.dim(a);
                long s = starts[i] < 0 ? starts[i] + dim : starts[i];
                long e = ends[i] < 0 ? ends[i] + dim : ends[i];
                if (step > 0) {
                    s = Math.max(0, Math.min(s, dim));
                    e = Math.max(0, Math.min(e, dim));
                } else {
                    s = Math.max(-1, Math.min(s, dim - 1));
                    e = Math.max(-1, Math.min(e, dim - 1));
                }
                long n = step > 0 ? Math.max(0, (e - s + step - 1) / step) : Math.max(0, (s - e - step - 1) / -step);
                od[a] = (int) n;
                map[a] = new int[(int) n];
                for (int j = 0; j < n; j++) {
                    map[a][j] = (int) (s + j * step);
                }
            }
            for (int a = 0; a < r; a++) {
                if (map[a] == null) {
                    map[a] = iota(od[a]);
                }
            }
            Tensor out = x.like(od);
            IndexMaps.gather(x.data(), x.dims(), out.data(), od, map, 0);
            return Shapes.one(out);
        };
    }

    static int[] iota(int n) {
        int[] m = new int[n];
        for (int i = 0; i < n; i++) {
            m[i] = i;
        }
        return m;
    }

    private static Op squeeze(Node node, int opset) {
        node.checkAttributes(opset < 13 ? Set.of("axes") : Set.of());
        long[] aAxes = node.getInts("axes", null);
        return (Move) in -> {
            Tensor x = in[0];
            long[] axes = opset < 13 ? aAxes : in.length > 1 && in[1] != null ? Shapes.longs(in[1]) : null;
            int r = x.rank();
            boolean[] drop = new boolean[r];
            if (axes == null) {
                for (int d = 0; d < r; d++) {
                    drop[d] = x.dim(d) == 1;
                }
            } else {
                for (long ax : axes) {
                    int a = Shapes.axis(ax, r, "Squeeze");
                    if (x.dim(a) != 1) {
                        throw new EngineException("cannot squeeze axis " + a + " of size " + x.dim(a));
                    }
                    drop[a] = true;
                }
            }
            int[] od = new int[r];
            int n = 0;
            for (int d = 0; d < r; d++) {
                if (!drop[d]) {
                    od[n++] = x.dim(d);
                }
            }
            return Shapes.one(x.reshape(Arrays.copyOf(od, n)));
        };
    }

    private static Op unsqueeze(Node node, int opset) {
        node.checkAttributes(opset < 13 ? Set.of("axes") : Set.of());
        long[] aAxes = node.getInts("axes", null);
        return (Move) in -> {
            Tensor x = in[0];
            long[] axes = opset < 13 ? aAxes : Shapes.longs(in[1]);
            int r = x.rank() + axes.length;
            boolean[] add = new boolean[r];
            for (long ax : axes) {
                int a = Shapes.axis(ax, r, "Unsqueeze");
                if (add[a]) {
                    throw new EngineException("axis " + a + " given twice");
                }
                add[a] = true;
            }
            int[] od = new int[r];
            int j = 0;
            for (int d = 0; d < r; d++) {
                od[d] = add[d] ? 1 : x.dim(j++);
            }
            return Shapes.one(x.reshape(od));
        };
    }

    private static Op shape(Node node, int opset) {
        node.checkAttributes(Set.of("start", "end"));
        long start = node.getInt("start", 0);
        long end = node.getInt("end", Long.MAX_VALUE);
        return (Move) in -> {
            int r = in[0].rank();
            long s = start < 0 ? start + r : start;
            long e = end < 0 ? end + r : end;
            s = Math.max(0, Math.min(s, r));
            e = Math.max(s, Math.min(e, r));
            long[] out = new long[(int) (e - s)];
            for (int i = 0; i < out.length; i++) {
                out[i] = in[0].dim((int) s + i);
            }
            return Shapes.one(Tensor.ofLongs(out, out.length));
        };
    }

    private static Op dropout(Node node, int opset) {
        node.checkAttributes(Set.of("ratio", "is_test", "seed", "consumed_inputs"));
        if (opset < 7 && node.getInt("is_test", 0) == 0) {
            throw node.unsupported("is_test=0 (training mode)");
        }
        if (node.hasInput(2)) {
            throw node.unsupported("a training_mode input (inference only)");
        }
        return (Move) in -> {
            if (in.length > 2 && in[2] != null && in[2].getLong(0) != 0) {
                throw new EngineException("training_mode=true is not supported (inference only)");
            }
            Tensor x = in[0];
            long[] mask = new long[x.size()];
            Arrays.fill(mask, 1);
            return new Tensor[] {x, Tensor.ofLongs(Tensor.Type.BOOL, mask, x.dims())};
        };
    }

    private static Op expand(Node node, int opset) {
        node.checkAttributes(Set.of());
        return (Move) in -> {
            Tensor x = in[0];
            int[] shape = Shapes.toInts(Shapes.longs(in[1]));
            int[] od = Broadcast.dims(x.dims(), shape);
            return Shapes.one(broadcastTo(x, od));
        };
    }

    /** {@code x} repeated along its size-1 axes to {@code od} (which it must broadcast to). */
    static Tensor broadcastTo(Tensor x, int[] od) {
        if (!Arrays.equals(Broadcast.dims(x.dims(), od), od)) {
            throw new EngineException(Arrays.toString(x.dims()) + " does not broadcast to " + Arrays.toString(od));
        }
        int r = od.length;
        int[] xd = new int[r];
        Arrays.fill(xd, 1);
        System.arraycopy(x.dims(), 0, xd, r - x.rank(), x.rank());
        int[][] map = new int[r][];
        for (int d = 0; d < r; d++) {
            map[d] = new int[od[d]];
            if (xd[d] != 1) {
                map[d] = iota(od[d]);
            }
        }
        Tensor out = x.like(od);
        IndexMaps.gather(x.data(), xd, out.data(), od, map, 0);
        return out;
    }

    private static Op tile(Node node, int opset) {
        node.checkAttributes(Set.of());
        if (opset < 6) {
            throw node.unsupported("opset " + opset + " Tile (tiles/axis inputs)");
        }
        return (Move) in -> {
            Tensor x = in[0];
            long[] reps = Shapes.longs(in[1]);
            int r = x.rank();
            if (reps.length != r) {
                throw new EngineException("repeats has " + reps.length + " values for rank " + r);
            }
            int[] od = new int[r];
            int[][] map = new int[r][];
            for (int d = 0; d < r; d++) {
                od[d] = (int) (x.dim(d) * reps[d]);
                map[d] = new int[od[d]];
                for (int i = 0; i < od[d]; i++) {
                    map[d][i] = i % x.dim(d);
                }
            }
            Tensor out = x.like(od);
            IndexMaps.gather(x.data(), x.dims(), out.data(), od, map, 0);
            return Shapes.one(out);
        };
    }

    private static Op trilu(Node node, int opset) {
        node.checkAttributes(Set.of("upper"));
        boolean upper = node.getInt("upper", 1) != 0;
        return (Move) in -> {
            Tensor x = in[0];
            long k = in.length > 1 && in[1] != null ? in[1].getLong(0) : 0;
            int r = x.rank();
            if (r < 2) {
                throw new EngineException("Trilu needs rank >= 2");
            }
            int rows = x.dim(r - 2);
            int cols = x.dim(r - 1);
            Tensor out = x.like(x.dims());
            System.arraycopy(x.data(), 0, out.data(), 0, x.size());
            Tensor zero = x.like(1);
            for (int base = 0; base < x.size(); base += rows * cols) {
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        boolean keep = upper ? j - i >= k : j - i <= k;
                        if (!keep) {
                            System.arraycopy(zero.data(), 0, out.data(), base + i * cols + j, 1);
                        }
                    }
                }
            }
            return Shapes.one(out);
        };
    }

    private static Op depthSpace(Node node, boolean toSpace) {
        node.checkAttributes(toSpace ? Set.of("blocksize", "mode") : Set.of("blocksize"));
        int b = (int) node.getInt("blocksize", 0);
        String mode = node.getString("mode", "DCR");
        if (b < 1) {
            throw node.unsupported("blocksize must be positive");
        }
        if (!mode.equals("DCR") && !mode.equals("CRD")) {
            throw node.unsupported("mode '" + mode + "'");
        }
        return (Move) in -> {
            Tensor x = in[0];
            if (x.rank() != 4) {
                throw new EngineException("needs a 4-D input");
            }
            int n = x.dim(0);
            int c = x.dim(1);
            int h = x.dim(2);
            int w = x.dim(3);
            Tensor tmp;
            int[] perm;
            int[] outDims;
            if (toSpace) {
                if (mode.equals("DCR")) {
                    tmp = x.reshape(n, b, b, c / (b * b), h, w);
                    perm = new int[] {0, 3, 4, 1, 5, 2};
                } else {
                    tmp = x.reshape(n, c / (b * b), b, b, h, w);
                    perm = new int[] {0, 1, 4, 2, 5, 3};
                }
                outDims = new int[] {n, c / (b * b), h * b, w * b};
            } else {
                tmp = x.reshape(n, c, h / b, b, w / b, b);
                perm = new int[] {0, 3, 5, 1, 2, 4};
                outDims = new int[] {n, c * b * b, h / b, w / b};
            }
            int[] td = tmp.dims();
            int[] pd = new int[6];
            for (int i = 0; i < 6; i++) {
                pd[i] = td[perm[i]];
            }
            Tensor out = x.like(pd);
            IndexMaps.transpose(tmp.data(), td, perm, out.data());
            return Shapes.one(out.reshape(outDims));
        };
    }
}
