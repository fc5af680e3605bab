package io.pocketgrid.portal.work;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The worker API's two writers ({@link WorkWriter}): one stores leases, one stores and judges
 * results, each in batches, so one waits on the database while the other works. Both take task
 * rows in id order, so they never wait on each other in a cycle.
 */
@Component
class WorkWrites {

    private final WorkWriter leases;
    private final WorkWriter results;

    @SuppressWarnings("unchecked")
    WorkWrites(PlatformTransactionManager transactions, LeaseWrites leaseWrites, ResultWrites resultWrites,
               MeterRegistry meters) {
        this.leases = new WorkWriter("lease-writes", transactions,
                batch -> leaseWrites.write((List<LeaseWrites.LeaseOp>) (List<?>) batch), meters);
        this.results = new WorkWriter("result-writes", transactions,
                batch -> resultWrites.write((List<ResultWrites.ResultOp>) (List<?>) batch), meters);
    }

    /** Stores a lease; its id, or null when the task can no longer be leased. */
    Long lease(LeaseWrites.LeaseOp op) {
        return leases.write(op);
    }

    /** Stores and judges a result; its receipt, or the refusal as an ApiException. */
    ResultService.Receipt result(ResultWrites.ResultOp op) {
        return results.write(op);
    }

    @PreDestroy
    void stop() {
        leases.stop();
        results.stop();
    }
}
