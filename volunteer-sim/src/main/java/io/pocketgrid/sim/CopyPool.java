package io.pocketgrid.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/** Honest outputs recently computed by any simulated volunteer, for {@link Behaviour#COPY_OTHER} to steal. */
final class CopyPool {

    private static final int CAPACITY = 256;

    /** Outputs of one task. */
    record Sample(long taskId, int[] dims, float[] outputs) {
    }

    private final Map<Long, Sample> samples = new ConcurrentHashMap<>();

    void offer(long taskId, int[] dims, float[] outputs) {
        if (samples.size() < CAPACITY) {
            samples.putIfAbsent(taskId, new Sample(taskId, dims.clone(), outputs.clone()));
        }
    }

    /** Outputs of some other task with the same dims, if any were seen. */
    Optional<Sample> otherThan(long taskId, int[] dims, Random random) {
        List<Sample> fits = new ArrayList<>();
        for (Sample s : samples.values()) {
            if (s.taskId() != taskId && Arrays.equals(s.dims(), dims)) {
                fits.add(s);
            }
        }
        return fits.isEmpty() ? Optional.empty() : Optional.of(fits.get(random.nextInt(fits.size())));
    }
}
