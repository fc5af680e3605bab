package io.pocketgrid.sim;

import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.loop.Lease;
import io.pocketgrid.worker.loop.WorkServer;
import io.pocketgrid.worker.loop.WorkerLoop;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Load-test mode: the engine runs once per distinct task input and every volunteer reuses the
 * outputs, so the portal, not the simulator's CPU, is the bottleneck. The key is the model's
 * SHA-256 and a fingerprint of the input rather than the task id, so replicas of a task and tasks
 * that repeat another's inputs (a benchmark's copied projects) all hit the cache.
 */
final class PrecomputedOutputs implements OutputSource {

    private final Map<String, Map<String, Tensor>> cache = new ConcurrentHashMap<>();
    private final Map<String, Model> models = new ConcurrentHashMap<>();
    // one run at a time: a Model must not be run by two threads at once, and the CPU belongs to the portal
    private final ReentrantLock engine = new ReentrantLock();

    @Override
    public Map<String, Tensor> outputs(Lease lease, Map<String, Tensor> inputs, WorkServer server) {
        StringBuilder key = new StringBuilder(lease.modelSha256());
        lease.outputs().forEach(spec -> key.append('/').append(spec.name()));
        inputs.values().forEach(t -> key.append('/').append(fingerprint(t)));
        Map<String, Tensor> cached = cache.get(key.toString());
        if (cached != null) {
            return cached;
        }
        engine.lock();
        try {
            Map<String, Tensor> again = cache.get(key.toString());
            if (again != null) {
                return again;
            }
            Model model = models.computeIfAbsent(lease.modelSha256(), sha -> Model.load(server.model(lease)));
            Map<String, Tensor> out = WorkerLoop.compute(model, lease, inputs);
            cache.put(key.toString(), out);
            return out;
        } finally {
            engine.unlock();
        }
    }

    /** {@link #fingerprint(float[])} of a tensor's values, its type and dims included. */
    static String fingerprint(Tensor t) {
        float[] values;
        if (t.type().isFloating()) {
            values = t.floats();
        } else {
            long[] l = t.longs();
            values = new float[2 * l.length];
            for (int i = 0; i < l.length; i++) {
                values[2 * i] = Float.intBitsToFloat((int) l[i]);
                values[2 * i + 1] = Float.intBitsToFloat((int) (l[i] >>> 32));
            }
        }
        return t.type() + java.util.Arrays.toString(t.dims()) + fingerprint(values);
    }

    /**
     * 128 bits from four independent xor-multiply lanes over the raw float bits (independent, so
     * the CPU runs them side by side). Not SHA-256: without the CPU's SHA instructions the JDK
     * hashes in plain Java, and 100 KB per round trip was a quarter of the simulator's CPU in the
     * throughput bench, taken from the portal it measures. Only the inputs of one run meet here
     * (hundreds to thousands), far from where 128 bits collide.
     */
    static String fingerprint(float[] values) {
        long h0 = values.length;
        long h1 = ~h0;
        long h2 = h0 * 31;
        long h3 = h0 * 37;
        int i = 0;
        for (; i + 4 <= values.length; i += 4) {
            h0 = (h0 ^ Float.floatToRawIntBits(values[i])) * 0x9E3779B97F4A7C15L;
            h1 = (h1 ^ Float.floatToRawIntBits(values[i + 1])) * 0xC2B2AE3D27D4EB4FL;
            h2 = (h2 ^ Float.floatToRawIntBits(values[i + 2])) * 0x165667B19E3779F9L;
            h3 = (h3 ^ Float.floatToRawIntBits(values[i + 3])) * 0xD6E8FEB86659FD93L;
        }
        for (; i < values.length; i++) {
            h0 = (h0 ^ Float.floatToRawIntBits(values[i])) * 0xC2B2AE3D27D4EB4FL;
        }
        return Long.toHexString(mix(h0) ^ Long.rotateLeft(mix(h2), 17)) + "-"
                + Long.toHexString(mix(h1) ^ Long.rotateLeft(mix(h3), 29));
    }

    private static long mix(long h) {
        h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL;
        return h ^ (h >>> 33);
    }
}
