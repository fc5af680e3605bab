package io.pocketgrid.sim;

import io.pocketgrid.worker.engine.Model;
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

    private final Map<String, float[]> cache = new ConcurrentHashMap<>();
    private final Map<String, Model> models = new ConcurrentHashMap<>();
    // one run at a time: a Model must not be run by two threads at once, and the CPU belongs to the portal
    private final ReentrantLock engine = new ReentrantLock();

    @Override
    public float[] outputs(Lease lease, float[] input, WorkServer server) {
        String key = lease.modelSha256() + "/" + lease.outputName() + "/" + fingerprint(input);
        float[] cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        engine.lock();
        try {
            float[] again = cache.get(key);
            if (again != null) {
                return again;
            }
            Model model = models.computeIfAbsent(lease.modelSha256(), sha -> Model.load(server.model(lease)));
            float[] out = WorkerLoop.compute(model, lease, input).floats();
            cache.put(key, out);
            return out;
        } finally {
            engine.unlock();
        }
    }

    /**
     * 128 bits from two multiply-add hashes over the raw float bits. Not SHA-256: without the CPU's
     * SHA instructions the JDK hashes in plain Java, and 100 KB per round trip was a quarter of the
     * simulator's CPU in the throughput bench, taken from the portal it measures. Only the inputs
     * of one run meet here (hundreds to thousands), far from where 128 bits collide.
     */
    static String fingerprint(float[] values) {
        long a = values.length;
        long b = ~a;
        for (float v : values) {
            int bits = Float.floatToRawIntBits(v);
            a = (a + bits) * 0x9E3779B97F4A7C15L;
            b = (b ^ bits) * 0xC2B2AE3D27D4EB4FL + 0x165667B19E3779F9L;
        }
        return Long.toHexString(a ^ (a >>> 29)) + "-" + Long.toHexString(b ^ (b >>> 32));
    }
}
