package io.pocketgrid.worker.engine.plan;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.onnx.Node;
import io.pocketgrid.worker.engine.ops.Op;
import java.util.Arrays;

/**
 * Binds a node no kernel layer takes to its own op. With every input known at binding (constants,
 * or only the shape of the first for Shape and Size) the node is folded there and then: that is
 * how shape sub-graphs (Shape → Gather → Concat → Reshape, …) cost nothing per run. Otherwise it
 * becomes a step on host tensors whose result must keep the shape it had at binding.
 */
final class GenericNodes {

    private GenericNodes() {
    }

    /** Runs {@code node}'s own op: folded now when its inputs are known, else a step on tensors. */
    static void lower(Binder binder, Node node) {
        Op op = binder.op(node);
        HostSlots host = binder.host();
        int n = node.inputs().size();
        Value[] in = new Value[n];
        boolean known = true;
        for (int j = 0; j < n; j++) {
            if (node.hasInput(j)) {
                in[j] = binder.value(node.input(j));
                if (in[j] == null) {
                    throw new EngineException("node " + node.name() + ": input '" + node.input(j) + "' has no value");
                }
                known &= in[j].constant != null || j == 0 && shapeOnly(node);
            }
        }
        Tensor[] probe = new Tensor[n];
        for (int j = 0; j < n; j++) {
            if (in[j] != null) {
                probe[j] = in[j].constant != null ? in[j].constant : Tensor.zeros(in[j].type, in[j].dims);
            }
        }
        Tensor[] out;
        try {
            out = op.run(probe);
        } catch (EngineException e) {
            throw e.getMessage().contains(node.name()) ? e
                    : new EngineException(node.opType() + " " + node.name() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new EngineException(node.opType() + " " + node.name() + " failed: " + e, e);
        }
        if (known) {
            for (int j = 0; j < node.outputs().size(); j++) {
                String name = node.outputs().get(j);
                if (!name.isEmpty() && j < out.length && out[j] != null) {
                    Value v = new Value(out[j].dims(), out[j].type());
                    v.constant = out[j];
                    binder.put(name, v);
                }
            }
            binder.reportFolded(node);
            return;
        }
        int[] inSlots = new int[n];
        Tensor[] fixed = new Tensor[n];
        for (int j = 0; j < n; j++) {
            inSlots[j] = -1;
            if (in[j] != null) {
                if (in[j].constant != null) {
                    fixed[j] = in[j].constant;
                } else {
                    inSlots[j] = binder.hostSlot(in[j]);
                }
            }
        }
        int outs = node.outputs().size();
        int[] outSlots = new int[outs];
        int[][] outDims = new int[outs][];
        for (int j = 0; j < outs; j++) {
            outSlots[j] = -1;
            String name = node.outputs().get(j);
            if (!name.isEmpty() && j < out.length && out[j] != null) {
                outSlots[j] = host.slot();
                outDims[j] = out[j].dims();
                Value v = new Value(out[j].dims(), out[j].type());
                v.slot = outSlots[j];
                binder.put(name, v);
            }
        }
        String label = node.opType() + " " + node.name();
        binder.step(() -> {
            Tensor[] args = fixed.clone();
            for (int j = 0; j < args.length; j++) {
                if (inSlots[j] >= 0) {
                    args[j] = host.get(inSlots[j]);
                }
            }
            Tensor[] res;
            try {
                res = op.run(args);
            } catch (EngineException e) {
                throw e.getMessage().contains(node.name()) ? e : new EngineException(label + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new EngineException(label + " failed: " + e, e);
            }
            for (int j = 0; j < outSlots.length; j++) {
                if (outSlots[j] >= 0) {
                    if (j >= res.length || res[j] == null || !Arrays.equals(res[j].dims(), outDims[j])) {
                        throw new Bound.ShapeChanged(label + " gave another shape than at binding");
                    }
                    host.set(outSlots[j], res[j]);
                }
            }
        });
        binder.reportGeneric(node, op.flops(probe, out));
    }

    /** Ops that read only their first input's shape. */
    private static boolean shapeOnly(Node node) {
        return node.opType().equals("Shape") || node.opType().equals("Size");
    }
}
