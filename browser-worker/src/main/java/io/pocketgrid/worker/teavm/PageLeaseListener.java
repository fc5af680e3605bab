package io.pocketgrid.worker.teavm;

import io.pocketgrid.worker.loop.Lease;
import io.pocketgrid.worker.loop.LeaseListener;

/**
 * Posts the lease a worker holds to the page: the page ends workers at once (stop, pause) and
 * then gives their leases back, or keeps them for the worker that resumes after a pause.
 */
final class PageLeaseListener implements LeaseListener {

    private final XhrWorkServer server;

    PageLeaseListener(XhrWorkServer server) {
        this.server = server;
    }

    @Override
    public void held(Lease lease, long estimatedMillis) {
        Js.postLease(server.json(lease), estimatedMillis);
    }

    @Override
    public void dropped(Lease lease) {
        Js.postLease(null, -1);
    }
}
