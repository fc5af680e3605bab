package io.pocketgrid.worker.teavm;

import org.teavm.jso.JSFunctor;
import org.teavm.jso.JSObject;

/** The function the worker's bootstrap script calls for each turn of the loop. */
@JSFunctor
interface StepFunction extends JSObject {
    /**
     * 1: a task completed; 0: no work now; 2: the model is needed ({@code self.pocketgridNeedModel});
     * 3: the lease was given back (it could not finish in time); -1: failed; -2: the server is
     * unreachable (both with {@code self.pocketgridLastError}).
     */
    int step();
}
