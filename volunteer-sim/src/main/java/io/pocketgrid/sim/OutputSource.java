package io.pocketgrid.sim;

import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.loop.Lease;
import io.pocketgrid.worker.loop.WorkServer;
import java.util.Map;

/** Where a volunteer's honest outputs come from. */
interface OutputSource {

    /** The outputs the lease asks for, of its model on its inputs, in the lease's order. */
    Map<String, Tensor> outputs(Lease lease, Map<String, Tensor> inputs, WorkServer server);

    /** Each volunteer runs its own engine, with the model cached by SHA-256, as a browser does. */
    static OutputSource ownEngine() {
        return new OwnEngine();
    }
}
