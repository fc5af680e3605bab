package io.pocketgrid.portal.work;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pocketgrid.portal.api.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit for the worker API's writes: the leases and results that arrive while one
 * transaction runs are written together in the next, with one batched statement per kind of row.
 * A request waits for its batch to commit, so an answer never promises what was not stored. If a
 * batch fails as a whole (a deadlock with another instance, say), each write is retried in a
 * transaction of its own, so one bad write cannot take others down with it.
 *
 * <p>Each write is an {@link Op}: a batch handler records the op's outcome (or its refusal as an
 * {@link ApiException}) and the futures complete only after the commit.
 */
final class WorkWriter {

    private static final Logger log = LoggerFactory.getLogger(WorkWriter.class);
    private static final int MAX_BATCH = 256;

    /** One write waiting for its batch. */
    abstract static class Op<R> {
        final CompletableFuture<R> done = new CompletableFuture<>();
        R outcome;
        RuntimeException refusal;

        void refuse(RuntimeException e) {
            refusal = e;
        }

        void succeed(R value) {
            outcome = value;
        }

        /** Waits for the commit; a refusal is rethrown as it was raised. */
        R await() {
            try {
                return done.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw e;
            }
        }
    }

    private final String name;
    private final BlockingQueue<Op<?>> queue = new LinkedBlockingQueue<>();
    private final TransactionTemplate tx;
    private final Consumer<List<Op<?>>> handler;
    private final Runnable durable;
    private final Thread thread;
    private volatile boolean running = true;
    private final DistributionSummary batchSizes;
    private final Timer batchTimes;

    /**
     * {@code handler} writes a batch inside the transaction, recording each op's outcome; {@code durable} runs
     * after each commit and before any answer, to make the commit survive a crash where the database alone
     * does not.
     */
    WorkWriter(String name, PlatformTransactionManager transactions, Consumer<List<Op<?>>> handler,
               Runnable durable, MeterRegistry meters) {
        this.durable = durable;
        this.name = name;
        this.batchSizes = DistributionSummary.builder("pocketgrid.writer.batch.size")
                .description("writes stored together in one transaction").tag("writer", name)
                .publishPercentiles(0.5, 0.99).register(meters);
        this.batchTimes = Timer.builder("pocketgrid.writer.batch.duration")
                .description("one batch's transaction, retries included").tag("writer", name)
                .publishPercentiles(0.5, 0.99).register(meters);
        this.tx = new TransactionTemplate(transactions);
        this.handler = handler;
        this.thread = Thread.ofPlatform().name("pocketgrid-" + name).daemon().start(this::loop);
    }

    <R> R write(Op<R> op) {
        if (!running) {
            throw new IllegalStateException("the " + name + " writer has stopped");
        }
        queue.add(op);
        return op.await();
    }

    private void loop() {
        List<Op<?>> batch = new ArrayList<>();
        while (running) {
            try {
                Op<?> first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                run(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                log.error("{} writer: a batch failed outside its transaction", name, e);
                batch.forEach(op -> op.done.completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private void run(List<Op<?>> batch) {
        batchSizes.record(batch.size());
        batchTimes.record(() -> runTimed(batch));
    }

    private void runTimed(List<Op<?>> batch) {
        try {
            tx.executeWithoutResult(s -> handler.accept(batch));
        } catch (RuntimeException whole) {
            log.info("{} writer: a batch of {} failed ({}); writing each on its own", name, batch.size(),
                    whole.toString());
            for (Op<?> op : batch) {
                retryAlone(op, whole);
            }
            return;
        }
        makeDurable();
        batch.forEach(WorkWriter::complete);
    }

    /** Runs {@code durable} after a commit; the commit stands (and is answered) even if that fails. */
    private void makeDurable() {
        try {
            durable.run();
        } catch (RuntimeException e) {
            log.warn("{} writer: committed, but making the commit durable failed", name, e);
        }
    }

    /** One op in its own transaction, twice at most (a deadlock victim usually passes the second time). */
    private void retryAlone(Op<?> op, RuntimeException first) {
        RuntimeException last = first;
        for (int attempt = 0; attempt < 2; attempt++) {
            op.outcome = null;
            op.refusal = null;
            try {
                tx.executeWithoutResult(s -> handler.accept(List.of(op)));
            } catch (RuntimeException e) {
                last = e;
                continue;
            }
            makeDurable();
            complete(op);
            return;
        }
        log.warn("{} writer: a write failed", name, last);
        op.done.completeExceptionally(last);
    }

    private static <R> void complete(Op<R> op) {
        if (op.refusal != null) {
            op.done.completeExceptionally(op.refusal);
        } else {
            op.done.complete(op.outcome);
        }
    }

    void stop() {
        running = false;
        thread.interrupt();
    }
}
