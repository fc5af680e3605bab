package io.pocketgrid.worker.teavm;

import org.teavm.jso.JSFunctor;
import org.teavm.jso.JSObject;

/** The function the worker's bootstrap script calls for each turn of the loop. */
@JSFunctor
interface StepFunction extends JSObject {
    /** 1: a task completed; 0: no work now; -1: failed (see {@code self.pocketgridLastError}). */
    int step();
}
