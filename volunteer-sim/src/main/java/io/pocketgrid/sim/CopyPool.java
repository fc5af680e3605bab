package io.pocketgrid.sim;

import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.loop.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/** Honest outputs recently computed by any simulated volunteer, for {@link Behaviour#COPY_OTHER} to steal. */
final class CopyPool {

    private static final int CAPACITY = 256;

    /** Outputs of one task. */
    record Sample(long taskId, Map<String, Tensor> outputs) {

        boolean fits(List<TensorSpec> specs) {
            if (outputs.size() != specs.size()) {
                return false;
            }
            for (TensorSpec spec : specs) {
                Tensor t = outputs.get(spec.name());
                if (t == null || !spec.matches(t)) {
                    return false;
                }
            }
            return true;
        }
    }

    private final Map<Long, Sample> samples = new ConcurrentHashMap<>();

    void offer(long taskId, Map<String, Tensor> outputs) {
        if (samples.size() < CAPACITY) {
            samples.putIfAbsent(taskId, new Sample(taskId, outputs));
        }
    }

    /** Outputs of some other task with the same names, types and dims, if any were seen. */
    Optional<Sample> otherThan(long taskId, List<TensorSpec> specs, Random random) {
        List<Sample> fits = new ArrayList<>();
        for (Sample s : samples.values()) {
            if (s.taskId() != taskId && s.fits(specs)) {
                fits.add(s);
            }
        }
        return fits.isEmpty() ? Optional.empty() : Optional.of(fits.get(random.nextInt(fits.size())));
    }
}
