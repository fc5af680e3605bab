package io.pocketgrid.worker.reference;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.TensorBytes;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs an ONNX file on DJL + OnnxRuntime, the reference the pure-Java engine is compared with
 * (JVM only: tests and the {@code check} command). Inputs go in graph order, as OnnxRuntime
 * lists them; outputs come back under the names given.
 */
public final class OrtReference implements AutoCloseable {

    static {
        // DJL otherwise tries to reach the network when it starts.
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
    }

    private final ZooModel<NDList, NDList> model;

    public OrtReference(Path onnxFile) {
        try {
            Criteria<NDList, NDList> criteria = Criteria.builder()
                    .setTypes(NDList.class, NDList.class)
                    .optModelPath(onnxFile)
                    .optEngine("OnnxRuntime")
                    .optTranslator(new NoopTranslator())
                    // one thread per run: a reference check must not spin a second core's worth of
                    // OnnxRuntime workers beside the server it runs in (the portal's spot checks)
                    .optOption("intraOpNumThreads", "1")
                    .optOption("interOpNumThreads", "1")
                    .build();
            this.model = criteria.loadModel();
        } catch (Exception e) {
            throw new EngineException("OnnxRuntime could not load " + onnxFile + ": " + e.getMessage(), e);
        }
    }

    /** Runs once; {@code inputs} in the model's input order, outputs named by {@code outputNames}. */
    public Map<String, Tensor> run(List<Map.Entry<String, Tensor>> inputs, List<String> outputNames) {
        try (NDManager mgr = NDManager.newBaseManager("OnnxRuntime");
                Predictor<NDList, NDList> predictor = model.newPredictor()) {
            NDList in = new NDList();
            for (Map.Entry<String, Tensor> e : inputs) {
                Tensor t = e.getValue();
                Shape shape = new Shape(toLongs(t.dims()));
                NDArray a = switch (t.type()) {
                    case FLOAT -> mgr.create(t.floats(), shape);
                    // DJL 0.36's float32 → float16 conversion overflows its buffer: hand over the half bits
                    case FLOAT16 -> mgr.create(direct(TensorBytes.encode(t)), shape, DataType.FLOAT16);
                    case INT64 -> mgr.create(t.longs(), shape);
                    case INT32 -> mgr.create(ints(t.longs()), shape);
                    case INT8 -> mgr.create(bytes(t.longs()), shape);
                    case UINT8 -> mgr.create(direct(bytes(t.longs())), shape, DataType.UINT8);
                    case BOOL -> mgr.create(booleans(t.longs()), shape);
                    default -> throw new EngineException("reference run: input type " + t.type() + " not wired");
                };
                a.setName(e.getKey());
                in.add(a);
            }
            NDList out = predictor.predict(in);
            Map<String, Tensor> result = new LinkedHashMap<>();
            for (int i = 0; i < out.size() && i < outputNames.size(); i++) {
                NDArray a = out.get(i);
                int[] dims = toInts(a.getShape().getShape());
                Tensor t = switch (a.getDataType()) {
                    case FLOAT32 -> Tensor.ofFloats(a.toFloatArray(), dims);
                    case INT64 -> Tensor.ofLongs(a.toLongArray(), dims);
                    case FLOAT16 -> TensorBytes.decode(Tensor.Type.FLOAT16, dims, a.toByteArray(), 0);
                    case INT32 -> TensorBytes.decode(Tensor.Type.INT32, dims, a.toByteArray(), 0);
                    case INT8 -> TensorBytes.decode(Tensor.Type.INT8, dims, a.toByteArray(), 0);
                    case UINT8 -> TensorBytes.decode(Tensor.Type.UINT8, dims, a.toByteArray(), 0);
                    case BOOLEAN -> TensorBytes.decode(Tensor.Type.BOOL, dims, a.toByteArray(), 0);
                    default -> Tensor.ofFloats(a.toType(DataType.FLOAT32, false).toFloatArray(), dims);
                };
                result.put(outputNames.get(i), t);
            }
            return result;
        } catch (EngineException e) {
            throw e;
        } catch (Exception e) {
            throw new EngineException("OnnxRuntime run failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        model.close();
    }

    /** Little-endian bytes in a direct buffer, as DJL hands buffers to OnnxRuntime. */
    private static java.nio.ByteBuffer direct(byte[] bytes) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(bytes.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(bytes).flip();
        return b;
    }

    private static int[] ints(long[] v) {
        int[] r = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = (int) v[i];
        }
        return r;
    }

    private static byte[] bytes(long[] v) {
        byte[] r = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = (byte) v[i];
        }
        return r;
    }

    private static boolean[] booleans(long[] v) {
        boolean[] r = new boolean[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = v[i] != 0;
        }
        return r;
    }

    private static long[] toLongs(int[] d) {
        long[] r = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            r[i] = d[i];
        }
        return r;
    }

    private static int[] toInts(long[] d) {
        int[] r = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            r[i] = (int) d[i];
        }
        return r;
    }
}
