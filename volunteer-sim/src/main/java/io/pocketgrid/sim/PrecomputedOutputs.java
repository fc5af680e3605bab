package io.pocketgrid.sim;

import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.loop.Lease;
import io.pocketgrid.worker.loop.WorkServer;
import io.pocketgrid.worker.loop.WorkerLoop;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Load-test mode: the engine runs once per distinct task input and every volunteer reuses the
 * outputs, so the portal, not the simulator's CPU, is the bottleneck. The key is the model's
 * SHA-256 and the input's SHA-256 rather than the task id, so replicas of a task and tasks that
 * repeat another's inputs (a benchmark's copied projects) all hit the cache.
 */
final class PrecomputedOutputs implements OutputSource {

    private final Map<String, float[]> cache = new ConcurrentHashMap<>();
    private final Map<String, Model> models = new ConcurrentHashMap<>();
    // one run at a time: a Model must not be run by two threads at once, and the CPU belongs to the portal
    private final ReentrantLock engine = new ReentrantLock();

    @Override
    public float[] outputs(Lease lease, float[] input, WorkServer server) {
        String key = lease.modelSha256() + "/" + lease.outputName() + "/" + sha256(input);
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

    private static String sha256(float[] values) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer b = ByteBuffer.allocate(values.length * 4);
            b.asFloatBuffer().put(values);
            md.update(b);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
