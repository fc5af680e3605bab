package io.pocketgrid.worker.loop;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.TensorBytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several named tensors in one binary body, as the work protocol carries a task's inputs and a
 * result's outputs (media type {@value #MEDIA_TYPE}; docs/protocol.md). All numbers little-endian:
 *
 * <pre>
 * "PGT1"                      4 bytes, magic and version
 * count                       u32, tensors that follow (1 … 64)
 * per tensor:
 *   name length, name         u16, then that many bytes of UTF-8 (1 … 1024)
 *   element type              u8, the ONNX TensorProto code (1 float32, 10 float16, 7 int64, 9 bool, ...)
 *   rank, dims                u8 (0 … 8), then rank × u32
 *   data                      product(dims) × element width bytes, C order, no padding
 * </pre>
 *
 * Pure Java on byte arrays: the browser worker, the simulator and the portal share it.
 */
public final class TensorFrames {

    public static final String MEDIA_TYPE = "application/x-pocketgrid-tensors";
    public static final int MAX_TENSORS = 64;
    static final int MAX_NAME_BYTES = 1024;
    static final int MAX_RANK = 8;
    private static final byte[] MAGIC = {'P', 'G', 'T', '1'};

    private TensorFrames() {
    }

    /** One tensor of a frame: where its data lies in the frame's bytes. */
    public record Part(String name, Tensor.Type type, int[] dims, int offset, int length) {

        /** The tensor this part holds, decoded from the frame's bytes. */
        public Tensor tensor(byte[] frame) {
            return TensorBytes.decode(type, dims, frame, offset);
        }
    }

    /** The tensors in order, encoded as one frame. */
    public static byte[] encode(Map<String, Tensor> tensors) {
        List<byte[]> heads = new ArrayList<>();
        int total = 8;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            byte[] head = header(e.getKey(), t.type(), t.dims());
            heads.add(head);
            total = Math.addExact(total, Math.addExact(head.length, t.size() * TensorBytes.width(t.type())));
        }
        byte[] out = new byte[total];
        int p = start(out, tensors.size());
        int i = 0;
        for (Tensor t : tensors.values()) {
            byte[] head = heads.get(i++);
            System.arraycopy(head, 0, out, p, head.length);
            p = TensorBytes.encode(t, out, p + head.length);
        }
        return out;
    }

    /** The first 8 bytes of a frame of {@code count} tensors. */
    public static byte[] start(int count) {
        byte[] b = new byte[8];
        start(b, count);
        return b;
    }

    private static int start(byte[] b, int count) {
        if (count < 1 || count > MAX_TENSORS) {
            throw new EngineException("a frame holds 1 to " + MAX_TENSORS + " tensors, not " + count);
        }
        System.arraycopy(MAGIC, 0, b, 0, 4);
        TensorBytes.putLe(b, 4, 4, count);
        return 8;
    }

    /** What goes before one tensor's data: its name, element type and dims. */
    public static byte[] header(String name, Tensor.Type type, int[] dims) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length < 1 || n.length > MAX_NAME_BYTES || dims.length > MAX_RANK) {
            throw new EngineException("a frame's tensor has a name of 1 to " + MAX_NAME_BYTES + " bytes and at most "
                    + MAX_RANK + " dims: " + name);
        }
        byte[] b = new byte[2 + n.length + 2 + 4 * dims.length];
        TensorBytes.putLe(b, 0, 2, n.length);
        System.arraycopy(n, 0, b, 2, n.length);
        int p = 2 + n.length;
        b[p++] = (byte) type.onnxCode();
        b[p++] = (byte) dims.length;
        for (int d : dims) {
            TensorBytes.putLe(b, p, 4, d);
            p += 4;
        }
        return b;
    }

    /**
     * The parts of a frame, checked to the last byte: magic, counts, names, known types, sizes and
     * nothing after the last tensor. A malformed frame is an {@link EngineException} saying where.
     */
    public static List<Part> parts(byte[] frame) {
        if (frame.length < 8 || frame[0] != MAGIC[0] || frame[1] != MAGIC[1] || frame[2] != MAGIC[2]
                || frame[3] != MAGIC[3]) {
            throw bad("it does not start with PGT1");
        }
        long count = TensorBytes.le(frame, 4, 4);
        if (count < 1 || count > MAX_TENSORS) {
            throw bad("it says " + count + " tensors (1 to " + MAX_TENSORS + ")");
        }
        List<Part> parts = new ArrayList<>();
        int p = 8;
        for (int i = 0; i < count; i++) {
            need(frame, p, 2, i);
            int nameLength = (int) TensorBytes.le(frame, p, 2);
            if (nameLength < 1 || nameLength > MAX_NAME_BYTES) {
                throw bad("tensor " + i + " has a name of " + nameLength + " bytes");
            }
            need(frame, p + 2, nameLength + 2, i);
            String name = new String(frame, p + 2, nameLength, StandardCharsets.UTF_8);
            p += 2 + nameLength;
            Tensor.Type type = Tensor.Type.fromOnnx(frame[p] & 0xFF);
            if (type == null) {
                throw bad("tensor " + name + " has the unknown element type " + (frame[p] & 0xFF));
            }
            int rank = frame[p + 1] & 0xFF;
            if (rank > MAX_RANK) {
                throw bad("tensor " + name + " has rank " + rank);
            }
            p += 2;
            need(frame, p, 4 * rank, i);
            int[] dims = new int[rank];
            long elements = 1;
            for (int k = 0; k < rank; k++) {
                long d = TensorBytes.le(frame, p + 4 * k, 4);
                if (d > Integer.MAX_VALUE) {
                    throw bad("tensor " + name + " has dim " + d);
                }
                dims[k] = (int) d;
                elements *= d;
                if (elements > Integer.MAX_VALUE) {
                    throw bad("tensor " + name + " is too large");
                }
            }
            p += 4 * rank;
            long length = elements * TensorBytes.width(type);
            if (length > frame.length - p) {
                throw bad("tensor " + name + " needs " + length + " bytes of data, " + (frame.length - p) + " are left");
            }
            parts.add(new Part(name, type, dims, p, (int) length));
            p += (int) length;
        }
        if (p != frame.length) {
            throw bad((frame.length - p) + " bytes follow the last tensor");
        }
        return parts;
    }

    /** Every tensor of a frame by name, in frame order. */
    public static Map<String, Tensor> decode(byte[] frame) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Part part : parts(frame)) {
            if (tensors.put(part.name(), part.tensor(frame)) != null) {
                throw bad("the name " + part.name() + " comes twice");
            }
        }
        return tensors;
    }

    private static void need(byte[] frame, int at, int bytes, int tensor) {
        if (at + (long) bytes > frame.length) {
            throw bad("it ends inside tensor " + tensor);
        }
    }

    private static EngineException bad(String why) {
        return new EngineException("not a valid tensor frame: " + why);
    }
}
