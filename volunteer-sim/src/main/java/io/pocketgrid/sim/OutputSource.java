package io.pocketgrid.sim;

import io.pocketgrid.worker.loop.Lease;
import io.pocketgrid.worker.loop.WorkServer;

/** Where a volunteer's honest outputs come from. */
interface OutputSource {

    /** The outputs of the lease's model on its input, in the lease's output dims. */
    float[] outputs(Lease lease, float[] input, WorkServer server);

    /** Each volunteer runs its own engine, with the model cached by SHA-256, as a browser does. */
    static OutputSource ownEngine() {
        return new OwnEngine();
    }
}
