package io.pocketgrid.worker.loop;

import java.util.List;

/**
 * One replica of a task handed to this worker. Mirrors the JSON of {@code POST /api/v1/work/lease}.
 *
 * @param inputs  the graph inputs to feed, in order, with the dims of the whole task (item axis first)
 * @param outputs the graph outputs the server wants back, in order, with the dims it expects
 */
public record Lease(
        long leaseId,
        String leaseToken,
        long taskId,
        String modelSha256,
        String modelUrl,
        String inputUrl,
        List<TensorSpec> inputs,
        List<TensorSpec> outputs,
        long deadlineEpochMs) {

    public Lease {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** Items in this task: the first axis of its inputs (0 when the lease has none). */
    public int items() {
        return inputs.isEmpty() || inputs.get(0).dims().length == 0 ? 0 : inputs.get(0).dims()[0];
    }

    /** The first output's dims: the whole result of a single-output task. */
    public int[] outputDims() {
        return outputs.get(0).dims();
    }
}
