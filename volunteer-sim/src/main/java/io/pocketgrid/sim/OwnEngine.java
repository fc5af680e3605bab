package io.pocketgrid.sim;

import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.loop.Lease;
import io.pocketgrid.worker.loop.WorkServer;
import io.pocketgrid.worker.loop.WorkerLoop;

/** One volunteer's engine: the model is downloaded once per SHA-256 and run with {@link WorkerLoop#compute}. */
final class OwnEngine implements OutputSource {

    private String modelSha256;
    private Model model;

    @Override
    public float[] outputs(Lease lease, float[] input, WorkServer server) {
        if (!lease.modelSha256().equals(modelSha256)) {
            model = Model.load(server.model(lease));
            modelSha256 = lease.modelSha256();
        }
        return WorkerLoop.compute(model, lease, input).floats();
    }
}
