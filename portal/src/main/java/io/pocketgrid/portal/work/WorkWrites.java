package io.pocketgrid.portal.work;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.util.List;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The worker API's two writers ({@link WorkWriter}): one stores leases, one stores and judges
 * results, each in batches, so one waits on the database while the other works. Both take task
 * rows in id order, so they never wait on each other in a cycle.
 *
 * <p>On H2 a result is acknowledged only after a {@code CHECKPOINT}: H2's file mode writes commits to its
 * file in the background about every 500 ms, and a killed portal lost the results it had acknowledged in that
 * time (the crash drill {@code KillMidRunIT}: 54 of 324). Leases need no such care: a lost lease is work
 * handed out again.
 */
@Component
class WorkWrites {

    private final WorkWriter leases;
    private final WorkWriter results;

    @SuppressWarnings("unchecked")
    WorkWrites(PlatformTransactionManager transactions, LeaseWrites leaseWrites, ResultWrites resultWrites,
               JdbcTemplate jdbc, MeterRegistry meters) {
        this.leases = new WorkWriter("lease-writes", transactions,
                batch -> leaseWrites.write((List<LeaseWrites.LeaseOp>) (List<?>) batch), () -> { }, meters);
        Runnable durable = isH2(jdbc) ? () -> jdbc.execute("CHECKPOINT") : () -> { };
        this.results = new WorkWriter("result-writes", transactions,
                batch -> resultWrites.write((List<ResultWrites.ResultOp>) (List<?>) batch), durable, meters);
    }

    private static boolean isH2(JdbcTemplate jdbc) {
        return "H2".equals(jdbc.execute((ConnectionCallback<String>) c -> c.getMetaData().getDatabaseProductName()));
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
