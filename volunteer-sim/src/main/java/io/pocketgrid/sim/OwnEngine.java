package io.pocketgrid.sim;

import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.loop.Lease;
import io.pocketgrid.worker.loop.WorkServer;
import io.pocketgrid.worker.loop.WorkerLoop;
import java.util.Map;

/** One volunteer's engine: the model is downloaded once per SHA-256 and run with {@link WorkerLoop#compute}. */
final class OwnEngine implements OutputSource {

    private String modelSha256;
    private Model model;

    @Override
    public Map<String, Tensor> outputs(Lease lease, Map<String, Tensor> inputs, WorkServer server) {
        if (!lease.modelSha256().equals(modelSha256)) {
            model = Model.load(server.model(lease));
            modelSha256 = lease.modelSha256();
        }
        return WorkerLoop.compute(model, lease, inputs);
    }
}
