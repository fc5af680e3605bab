package io.pocketgrid.worker.engine.ops;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.onnx.Node;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Ops that pick elements by index or by value: Gather, GatherElements, GatherND, the Scatter family,
 * Compress, TopK and NonZero.
 */
final class IndexOps {

    private IndexOps() {
    }

    static void register(Map<String, OpFactory> r) {
        r.put("ScatterElements", IndexOps::scatterElements);
        r.put("Scatter", IndexOps::scatterElements);
        r.put("GatherND", IndexOps::gatherNd);
        r.put("ScatterND", IndexOps::scatterNd);
        r.put("Compress", IndexOps::compress);
        r.put("Gather", IndexOps::gather);
        r.put("GatherElements", IndexOps::gatherElements);
        r.put("TopK", IndexOps::topK);
        r.put("NonZero", IndexOps::nonZero);
    }

    private static String reduction(Node node) {
        String red = node.getString("reduction", "none");
        if (!Set.of("none", "add", "mul", "max", "min").contains(red)) {
            throw node.unsupported("reduction '" + red + "'");
        }
        return red;
    }

    /** Writes {@code upd[ui]} into {@code out[oi]} under a reduction. */
    private static void put(Tensor out, int oi, Tensor upd, int ui, String red) {
        if (red.equals("none")) {
            System.arraycopy(upd.data(), ui, out.data(), oi, 1);
            return;
        }
        double a = out.getDouble(oi);
        double b = upd.getDouble(ui);
        double v = switch (red) {
            case "add" -> a + b;
            case "mul" -> a * b;
            case "max" -> Math.max(a, b);
            default -> Math.min(a, b);
        };
        if (out.type().isFloating()) {
            out.floats()[oi] = (float) v;
        } else {
            out.longs()[oi] = out.type().wrap((long) v);
        }
    }

    private static Tensor copy(Tensor x) {
        Tensor out = x.like(x.dims());
        System.arraycopy(x.data(), 0, out.data(), 0, x.size());
        return out;
    }

    private static Op scatterElements(Node node, int opset) {
        node.checkAttributes(Set.of("axis", "reduction"));
        long axis = node.getInt("axis", 0);
        String red = reduction(node);
        return (Move) in -> {
            Tensor x = in[0];
            Tensor idx = in[1];
            Tensor upd = in[2];
            int r = x.rank();
            int a = Shapes.axis(axis, r, "ScatterElements");
            Tensor out = copy(x);
            int[] xs = Shapes.strides(x.dims());
            int[] id = idx.dims();
            int[] pos = new int[r];
            for (int k = 0; k < idx.size(); k++) {
                long i = idx.getLong(k);
                if (i < 0) {
                    i += x.dim(a);
                }
                if (i < 0 || i >= x.dim(a)) {
                    throw new EngineException("index " + idx.getLong(k) + " out of range");
                }
                int dst = 0;
                for (int d = 0; d < r; d++) {
                    dst += (d == a ? (int) i : pos[d]) * xs[d];
                }
                put(out, dst, upd, k, red);
                for (int d = r - 1; d >= 0; d--) {
                    if (++pos[d] < id[d]) {
                        break;
                    }
                    pos[d] = 0;
                }
            }
            return Shapes.one(out);
        };
    }

    /** Offset into data of the slice an index tuple selects, its tuple starting at {@code t}. */
    private static int sliceOffset(Tensor idx, int t, int depth, int[] dataDims, int[] dataStrides, int firstDim) {
        int off = 0;
        for (int j = 0; j < depth; j++) {
            long i = idx.getLong(t + j);
            int dim = dataDims[firstDim + j];
            if (i < 0) {
                i += dim;
            }
            if (i < 0 || i >= dim) {
                throw new EngineException("index " + idx.getLong(t + j) + " out of range for dim " + dim);
            }
            off += (int) i * dataStrides[firstDim + j];
        }
        return off;
    }

    private static Op gatherNd(Node node, int opset) {
        node.checkAttributes(Set.of("batch_dims"));
        int b = (int) node.getInt("batch_dims", 0);
        return (Move) in -> {
            Tensor x = in[0];
            Tensor idx = in[1];
            int[] xd = x.dims();
            int[] id = idx.dims();
            int q = id.length;
            int depth = id[q - 1];
            int[] od = new int[q - 1 + xd.length - b - depth];
            System.arraycopy(id, 0, od, 0, q - 1);
            System.arraycopy(xd, b + depth, od, q - 1, xd.length - b - depth);
            Tensor out = x.like(od);
            int slice = Shapes.product(xd, b + depth, xd.length);
            int[] xs = Shapes.strides(xd);
            int batches = Shapes.product(id, 0, b);
            int perBatch = Shapes.product(id, b, q - 1);
            int batchStride = Shapes.product(xd, b, xd.length);
            for (int bi = 0; bi < batches; bi++) {
                for (int k = 0; k < perBatch; k++) {
                    int t = (bi * perBatch + k) * depth;
                    int src = bi * batchStride + sliceOffset(idx, t, depth, xd, xs, b);
                    System.arraycopy(x.data(), src, out.data(), (bi * perBatch + k) * slice, slice);
                }
            }
            return Shapes.one(out);
        };
    }

    private static Op scatterNd(Node node, int opset) {
        node.checkAttributes(Set.of("reduction"));
        String red = reduction(node);
        return (Move) in -> {
            Tensor x = in[0];
            Tensor idx = in[1];
            Tensor upd = in[2];
            int[] xd = x.dims();
            int[] id = idx.dims();
            int depth = id[id.length - 1];
            int n = Shapes.product(id, 0, id.length - 1);
            int slice = Shapes.product(xd, depth, xd.length);
            int[] xs = Shapes.strides(xd);
            Tensor out = copy(x);
            for (int k = 0; k < n; k++) {
                int dst = sliceOffset(idx, k * depth, depth, xd, xs, 0);
                for (int j = 0; j < slice; j++) {
                    put(out, dst + j, upd, k * slice + j, red);
                }
            }
            return Shapes.one(out);
        };
    }

    private static Op compress(Node node, int opset) {
        node.checkAttributes(Set.of("axis"));
        boolean hasAxis = node.has("axis");
        long axis = node.getInt("axis", 0);
        return (Move) in -> {
            Tensor x = hasAxis ? in[0] : in[0].reshape(in[0].size());
            Tensor cond = in[1];
            int r = x.rank();
            int a = Shapes.axis(axis, r, "Compress");
            int len = x.dim(a);
            int kept = 0;
            int[] keep = new int[len];
            for (int i = 0; i < Math.min(len, cond.size()); i++) {
                if (cond.getLong(i) != 0) {
                    keep[kept++] = i;
                }
            }
            int outer = Shapes.product(x.dims(), 0, a);
            int inner = Shapes.product(x.dims(), a + 1, r);
            int[] od = x.dims();
            od[a] = kept;
            Tensor out = x.like(od);
            for (int o = 0; o < outer; o++) {
                for (int k = 0; k < kept; k++) {
                    System.arraycopy(x.data(), (o * len + keep[k]) * inner, out.data(), (o * kept + k) * inner, inner);
                }
            }
            return Shapes.one(out);
        };
    }

    private static Op gather(Node node, int opset) {
        node.checkAttributes(Set.of("axis"));
        long axis = node.getInt("axis", 0);
        return (Move) in -> {
            Tensor x = in[0];
            Tensor idx = in[1];
            int r = x.rank();
            int a = Shapes.axis(axis, r, "Gather");
            long[] iv = Shapes.longs(idx);
            int dim = x.dim(a);
            int[] xd = x.dims();
            int outer = Shapes.product(xd, 0, a);
            int inner = Shapes.product(xd, a + 1, r);
            int[] id = idx.dims();
            int[] od = new int[r - 1 + id.length];
            System.arraycopy(xd, 0, od, 0, a);
            System.arraycopy(id, 0, od, a, id.length);
            System.arraycopy(xd, a + 1, od, a + id.length, r - a - 1);
            Tensor out = x.like(od);
            for (int o = 0; o < outer; o++) {
                for (int k = 0; k < iv.length; k++) {
                    long i = iv[k] < 0 ? iv[k] + dim : iv[k];
                    if (i < 0 || i >= dim) {
                        throw new EngineException("index " + iv[k] + " out of range for axis of size " + dim);
                    }
                    System.arraycopy(x.data(), (o * dim + (int) i) * inner, out.data(), (o * iv.length + k) * inner, inner);
                }
            }
            return Shapes.one(out);
        };
    }

    private static Op gatherElements(Node node, int opset) {
        node.checkAttributes(Set.of("axis"));
        long axis = node.getInt("axis", 0);
        return (Move) in -> {
            Tensor x = in[0];
            Tensor idx = in[1];
            int r = x.rank();
            int a = Shapes.axis(axis, r, "GatherElements");
            if (idx.rank() != r) {
                throw new EngineException("indices must have the rank of data");
            }
            long[] iv = Shapes.longs(idx);
            int[] id = idx.dims();
            int[] xs = Shapes.strides(x.dims());
            Tensor out = x.like(id);
            int[] pos = new int[r];
            for (int k = 0; k < iv.length; k++) {
                long i = iv[k] < 0 ? iv[k] + x.dim(a) : iv[k];
                if (i < 0 || i >= x.dim(a)) {
                    throw new EngineException("index " + iv[k] + " out of range");
                }
                int src = 0;
                for (int d = 0; d < r; d++) {
                    src += (d == a ? (int) i : pos[d]) * xs[d];
                }
                System.arraycopy(x.data(), src, out.data(), k, 1);
                for (int d = r - 1; d >= 0; d--) {
                    if (++pos[d] < id[d]) {
                        break;
                    }
                    pos[d] = 0;
                }
            }
            return Shapes.one(out);
        };
    }

    private static Op topK(Node node, int opset) {
        node.checkAttributes(Set.of("axis", "largest", "sorted", "k"));
        long axis = node.getInt("axis", -1);
        boolean largest = node.getInt("largest", 1) != 0;
        long attrK = node.getInt("k", -1);
        return (Move) in -> {
            Tensor x = in[0];
            int k = (int) (opset < 10 ? attrK : in[1].getLong(0));
            int r = x.rank();
            int a = Shapes.axis(axis, r, "TopK");
            int len = x.dim(a);
            if (k < 0 || k > len) {
                throw new EngineException("k=" + k + " out of range for axis of " + len);
            }
            int outer = Shapes.product(x.dims(), 0, a);
            int inner = Shapes.product(x.dims(), a + 1, r);
            int[] od = x.dims();
            od[a] = k;
            Tensor values = x.like(od);
            long[] idx = new long[outer * k * inner];
            Integer[] order = new Integer[len];
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    int base = o * len * inner + i;
                    for (int j = 0; j < len; j++) {
                        order[j] = j;
                    }
                    // Ties keep the lower index first, as the spec asks.
                    Arrays.sort(order, (p, q) -> {
                        int cmp = Double.compare(x.getDouble(base + p * inner), x.getDouble(base + q * inner));
                        return cmp != 0 ? (largest ? -cmp : cmp) : Integer.compare(p, q);
                    });
                    for (int j = 0; j < k; j++) {
                        int dst = (o * k + j) * inner + i;
                        System.arraycopy(x.data(), base + order[j] * inner, values.data(), dst, 1);
                        idx[dst] = order[j];
                    }
                }
            }
            return new Tensor[] {values, Tensor.ofLongs(idx, od)};
        };
    }

    private static Op nonZero(Node node, int opset) {
        node.checkAttributes(Set.of());
        return (Move) in -> {
            Tensor x = in[0];
            int r = x.rank();
            int[] st = Shapes.strides(x.dims());
            int count = 0;
            for (int i = 0; i < x.size(); i++) {
                if (x.getDouble(i) != 0) {
                    count++;
                }
            }
            long[] out = new long[r * count];
            int c = 0;
            for (int i = 0; i < x.size(); i++) {
                if (x.getDouble(i) != 0) {
                    for (int d = 0; d < r; d++) {
                        out[d * count + c] = (i / st[d]) % x.dim(d);
                    }
                    c++;
                }
            }
            return Shapes.one(Tensor.ofLongs(out, r, count));
        };
    }
}
