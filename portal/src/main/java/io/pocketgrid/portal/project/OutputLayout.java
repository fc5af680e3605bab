package io.pocketgrid.portal.project;

import io.pocketgrid.portal.api.ApiException;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.TensorBytes;
import io.pocketgrid.worker.loop.TensorFrames;
import java.util.Arrays;
import java.util.List;

/**
 * How a result of a project is laid out: its outputs' bytes one after the other in the project's
 * order, each {@code items × item size} elements of its type, little-endian (for a project of one
 * float32 output exactly the raw float32 the first protocol sent). Validation compares results as
 * one float array of all outputs ({@link #values}); integers convert exactly up to 2^24.
 */
public final class OutputLayout {

    private final List<ProjectTensor> outputs;

    public OutputLayout(List<ProjectTensor> outputs) {
        this.outputs = List.copyOf(outputs);
    }

    public List<ProjectTensor> outputs() {
        return outputs;
    }

    /** Stored bytes of a result of {@code items} items. */
    public long bytes(int items) {
        long n = 0;
        for (ProjectTensor o : outputs) {
            n += items * o.itemBytes();
        }
        return n;
    }

    /** The largest frame a result of {@code items} items can be: what a worker may send. */
    public int frameBytes(int items) {
        long n = 8 + bytes(items);
        for (ProjectTensor o : outputs) {
            n += TensorFrames.header(o.name(), o.type(), Dims.prepend(items, o.itemDims())).length;
        }
        return Math.toIntExact(n);
    }

    /**
     * The stored bytes of a result sent as a tensor frame: exactly the project's outputs in its order,
     * each of its type and of {@code items} items; anything else is a 400 SHAPE_MISMATCH saying what.
     */
    public byte[] fromFrame(byte[] frame, int items) {
        List<TensorFrames.Part> parts;
        try {
            parts = TensorFrames.parts(frame);
        } catch (io.pocketgrid.worker.engine.EngineException e) {
            throw shape(e.getMessage());
        }
        if (parts.size() != outputs.size()) {
            throw shape("the result has " + parts.size() + " tensors; this task needs " + outputs.size() + " ("
                    + outputs.stream().map(ProjectTensor::name).toList() + ")");
        }
        byte[] stored = new byte[Math.toIntExact(bytes(items))];
        int at = 0;
        for (int i = 0; i < parts.size(); i++) {
            TensorFrames.Part part = parts.get(i);
            ProjectTensor want = outputs.get(i);
            int[] dims = Dims.prepend(items, want.itemDims());
            if (!part.name().equals(want.name()) || part.type() != want.type() || !Arrays.equals(part.dims(), dims)) {
                throw shape("tensor " + i + " of the result is " + part.name() + " " + TensorBytes.name(part.type()) + " "
                        + Arrays.toString(part.dims()) + "; this task needs " + want.name() + " " + want.dtype() + " "
                        + Arrays.toString(dims));
            }
            System.arraycopy(frame, part.offset(), stored, at, part.length());
            at += part.length();
        }
        return stored;
    }

    /**
     * All outputs of a stored result as floats, in order; with {@code requireFinite}, a NaN or an
     * infinity in a floating-point output is a 400 NON_FINITE naming the output.
     */
    public float[] values(byte[] stored, int items, boolean requireFinite) {
        if (outputs.size() == 1 && outputs.get(0).type() == Tensor.Type.FLOAT) {
            // the common case, on the result path of every round trip: no tensor in between
            float[] floats = io.pocketgrid.portal.storage.BlobStore.floats(stored);
            for (int i = 0; requireFinite && i < floats.length; i++) {
                if (!Float.isFinite(floats[i])) {
                    throw ApiException.badRequest("NON_FINITE", "output " + i + " is " + floats[i] + "; results must be finite");
                }
            }
            return floats;
        }
        float[] values = new float[Math.toIntExact(elements(items))];
        int at = 0;
        int offset = 0;
        for (ProjectTensor o : outputs) {
            int[] dims = Dims.prepend(items, o.itemDims());
            Tensor t = TensorBytes.decode(o.type(), dims, stored, offset);
            offset += t.size() * TensorBytes.width(o.type());
            for (int i = 0; i < t.size(); i++) {
                float v = (float) t.getDouble(i);
                if (requireFinite && !Float.isFinite(v)) {
                    throw ApiException.badRequest("NON_FINITE", "element " + i + " of output " + o.name() + " is " + v
                            + "; results must be finite");
                }
                values[at++] = v;
            }
        }
        return values;
    }

    /** Elements of all outputs of {@code items} items. */
    public long elements(int items) {
        long n = 0;
        for (ProjectTensor o : outputs) {
            n += items * Dims.size(o.itemDims());
        }
        return n;
    }

    private static ApiException shape(String message) {
        return ApiException.badRequest("SHAPE_MISMATCH", message);
    }

    /** Index of the largest of {@code v[start … start+length)}; the first one on ties. */
    public static int argmax(float[] v, int start, int length) {
        int best = 0;
        for (int i = 1; i < length; i++) {
            if (v[start + i] > v[start + best]) {
                best = i;
            }
        }
        return best;
    }
}
