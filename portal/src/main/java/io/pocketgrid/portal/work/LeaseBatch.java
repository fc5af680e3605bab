package io.pocketgrid.portal.work;

import io.micrometer.core.instrument.MeterRegistry;
import io.pocketgrid.portal.config.InstanceId;
import io.pocketgrid.portal.storage.Utc;
import jakarta.annotation.PreDestroy;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Stores leases in batches ({@link GroupCommit}, thread {@code pocketgrid-lease-writes}): one INSERT per
 * replica, batched, that only succeeds while the task is still open, still claimed by this instance and
 * its project still running. A lease whose insert found nothing gets {@code null}, so the caller takes
 * another replica.
 */
@Component
class LeaseBatch {

    private final JdbcTemplate jdbc;
    private final String instance;
    private final GroupCommit<LeaseWrite, Long> writer;

    LeaseBatch(JdbcTemplate jdbc, InstanceId instanceId, PlatformTransactionManager transactions, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.instance = instanceId.get();
        // a lease lost in a crash is only work handed out again: no extra step to make it durable
        this.writer = new GroupCommit<>("lease-writes", transactions, this::write, () -> { }, meters);
    }

    /** Stores a lease with the others that arrive meanwhile; its id, or null when the task can no longer be leased. */
    Long store(LeaseWrite lease) {
        return writer.write(lease);
    }

    @PreDestroy
    void stop() {
        writer.stop();
    }

    /** One batch, inside the writer's transaction. */
    void write(List<LeaseWrite> ops) {
        if (ops.isEmpty()) {
            return;
        }
        // task order everywhere, so two batches never wait on each other's task rows in a cycle
        List<LeaseWrite> sorted = ops.stream().sorted(Comparator.comparingLong(LeaseWrite::taskId)).toList();
        // each insert's id comes back with it (RETURNING on PostgreSQL): a second query by task ids cost
        // PostgreSQL 0.5 ms a batch, planned on the (status, expires_at) index
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        int[] inserted = jdbc.batchUpdate(c -> c.prepareStatement("""
                INSERT INTO assignment (task_id, volunteer_id, status, issued_at, expires_at, issued_by)
                SELECT t.id, ?, 'LEASED', ?, ?, ? FROM task t JOIN project p ON p.id = t.project_id
                WHERE t.id = ? AND t.status = 'OPEN' AND t.claimed_by = ? AND p.status = 'RUNNING'""", new String[] {"id"}),
                new BatchPreparedStatementSetter() {
                    @Override
                    public void setValues(PreparedStatement ps, int i) throws SQLException {
                        LeaseWrite op = sorted.get(i);
                        ps.setLong(1, op.volunteerId);
                        ps.setObject(2, Utc.at(op.issuedAt));
                        ps.setObject(3, Utc.at(op.expiresAt));
                        ps.setString(4, instance);
                        ps.setLong(5, op.taskId());
                        ps.setString(6, op.pick.slot().claim);
                    }

                    @Override
                    public int getBatchSize() {
                        return sorted.size();
                    }
                }, keys);
        // the keys of the inserts that found their task, in the order of the batch
        List<Map<String, Object>> keyList = keys.getKeyList();
        if (Arrays.stream(inserted).sum() != keyList.size()) {
            throw new IllegalStateException("the driver counted " + Arrays.toString(inserted)
                    + " inserted leases but returned " + keyList.size() + " ids");
        }
        Iterator<Map<String, Object>> ids = keyList.iterator();
        List<Object[]> tasks = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            LeaseWrite op = sorted.get(i);
            Long id = inserted[i] == 1 ? ((Number) ids.next().values().iterator().next()).longValue() : null;
            op.succeed(id);
            if (id != null && (op.pick.single() || op.pick.exhausted())) {
                tasks.add(new Object[] {op.pick.single(), op.pick.single(), op.pick.exhausted(), op.pick.exhausted(),
                        op.pick.exhausted(), op.taskId(), op.pick.slot().claim});
            }
        }
        // one row update per task: adaptive replication (a trusted volunteer computes this fresh task
        // alone) and, once every replica is out, the end of the claim (the sweep offers the task again
        // if one comes back); the insert above saw the claim in this transaction
        jdbc.batchUpdate("""
                UPDATE task SET quorum = CASE WHEN ? AND status = 'OPEN' THEN 1 ELSE quorum END,
                       target_replicas = CASE WHEN ? AND status = 'OPEN' THEN 1 ELSE target_replicas END,
                       claimed_by = CASE WHEN ? THEN NULL ELSE claimed_by END,
                       claimed_until = CASE WHEN ? THEN NULL ELSE claimed_until END,
                       wanted = CASE WHEN ? THEN FALSE ELSE wanted END
                WHERE id = ? AND claimed_by = ?""", tasks);
    }
}
