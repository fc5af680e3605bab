package io.pocketgrid.worker.loop;

/**
 * Told when the loop takes and lets go of a lease, so its host can give the lease back should it
 * stop the loop from outside (the browser page terminating a Web Worker, for instance).
 */
public interface LeaseListener {

    /** Listens to nothing. */
    LeaseListener NONE = new LeaseListener() {
        @Override
        public void held(Lease lease, long estimatedMillis) {
        }

        @Override
        public void dropped(Lease lease) {
        }
    };

    /**
     * The loop holds {@code lease}; {@code estimatedMillis} is the compute time it expects, or -1
     * while unknown (called again once the model is loaded and the estimate is known).
     */
    void held(Lease lease, long estimatedMillis);

    /** The loop no longer holds {@code lease}: submitted, given back, or refused by the server. */
    void dropped(Lease lease);
}
