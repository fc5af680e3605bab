package io.pocketgrid.portal.work;

import io.pocketgrid.portal.project.Dims;
import io.pocketgrid.portal.project.ProjectTensor;
import java.time.Instant;
import java.util.List;

/**
 * A replica handed to a volunteer, as the worker receives it (JSON of {@code POST /api/v1/work/lease}).
 * {@code inputs} and {@code outputs} describe the tensors of the task's input and of its result, in
 * order; {@code inputName}, {@code outputName}, {@code inputDims} and {@code outputDims} repeat the
 * first of each for clients of the first protocol (raw float32 bodies), which only projects of one
 * float32 input and output serve.
 */
public record Lease(long leaseId, String leaseToken, long taskId, String modelSha256, String modelUrl,
                    String inputUrl, List<TensorDescription> inputs, List<TensorDescription> outputs,
                    String inputName, String outputName, int[] inputDims, int[] outputDims,
                    Instant deadline, long deadlineEpochMs) {

    /** A tensor of the task: graph name, element type (float32, int64, bool, ...) and dims with the item axis first. */
    public record TensorDescription(String name, String dtype, int[] dims) {

        static TensorDescription of(ProjectTensor t, int items) {
            return new TensorDescription(t.name(), t.dtype(), Dims.prepend(items, t.itemDims()));
        }
    }

    static Lease of(long leaseId, String leaseToken, long taskId, String modelSha256, String inputUrl,
                    List<ProjectTensor> inputs, List<ProjectTensor> outputs, int items, Instant deadline) {
        List<TensorDescription> in = inputs.stream().map(t -> TensorDescription.of(t, items)).toList();
        List<TensorDescription> out = outputs.stream().map(t -> TensorDescription.of(t, items)).toList();
        return new Lease(leaseId, leaseToken, taskId, modelSha256, "/api/v1/models/" + modelSha256, inputUrl, in, out,
                in.get(0).name(), out.get(0).name(), in.get(0).dims(), out.get(0).dims(), deadline,
                deadline.toEpochMilli());
    }
}
