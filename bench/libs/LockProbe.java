import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Lock;
import javax.sql.DataSource;
import org.springframework.context.support.StaticApplicationContext;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.integration.support.locks.DistributedLock;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Checks, on one database, which of LedgerLock's guarantees Spring Integration's JdbcLockRegistry keeps (issue 15):
 * renewal by a heartbeat thread, a restarted instance taking back its dead run's lease, a stale holder being
 * unable to renew or release its successor's lease, and a second acquisition being refused. Prints, asserts
 * nothing; see portal/README.md.
 */
public final class LockProbe {

    public static void main(String[] args) throws Exception {
        DataSource ds = args[0].equals("pg")
                ? new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:5432/test?currentSchema=lockprobe", "postgres", "")
                : new DriverManagerDataSource("jdbc:h2:mem:probe;DB_CLOSE_DELAY=-1", "sa", "");
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        if (args[0].equals("pg")) {
            jdbc.execute("DROP SCHEMA IF EXISTS lockprobe CASCADE");
            jdbc.execute("CREATE SCHEMA lockprobe");
        }
        jdbc.execute("CREATE TABLE INT_LOCK (LOCK_KEY CHAR(36) NOT NULL, REGION VARCHAR(100) NOT NULL, CLIENT_ID CHAR(36),"
                + " CREATED_DATE TIMESTAMP NOT NULL, EXPIRED_AFTER TIMESTAMP NOT NULL, constraint INT_LOCK_PK primary key (LOCK_KEY, REGION))");
        System.out.println("== " + args[0]);

        // 1. the heartbeat renews from its own thread
        JdbcLockRegistry a = registry(ds, "instance-a");
        DistributedLock epochs = a.obtain("epochs");
        System.out.println("1. tryLock(0, ttl 30s) in the run's thread: " + epochs.tryLock(Duration.ZERO, Duration.ofSeconds(30)));
        String fromHeartbeat = CompletableFuture.supplyAsync(() -> {
            try {
                a.renewLock("epochs", Duration.ofSeconds(30));
                return "renewed";
            } catch (RuntimeException e) {
                return e.getClass().getSimpleName() + ": " + e.getMessage();
            }
        }).get();
        System.out.println("   renewLock from a heartbeat thread: " + fromHeartbeat);

        // 2. a second acquisition while the first is held (LedgerPostgresIT: the second tryAcquire is empty)
        System.out.println("2. second tryLock in the same thread while held: " + a.obtain("epochs").tryLock());
        epochs.unlock();
        epochs.unlock();

        // 3. restart: the same instance must take back its dead run's lock at once
        JdbcLockRegistry crashed = registry(ds, null);
        crashed.obtain("epochs").tryLock(Duration.ZERO, Duration.ofHours(1)); // dies holding it for an hour
        JdbcLockRegistry restartedRandomId = registry(ds, null);
        System.out.println("3. restart with the default (random) client id takes the lock: "
                + restartedRandomId.obtain("epochs").tryLock());
        jdbc.update("DELETE FROM INT_LOCK");

        // 4. fencing: with a fixed client id per instance (what 3 needs), a paused old run whose lease ran out
        //    and was taken by the instance's next run still renews and releases the new run's lease
        JdbcLockRegistry oldRun = registry(ds, "instance-b");
        DistributedLock old = oldRun.obtain("epochs");
        old.tryLock(Duration.ZERO, Duration.ofMillis(300));
        Thread.sleep(600); // the old run stalls past its lease (GC pause, slow chain call, lost heartbeat)
        JdbcLockRegistry newRun = registry(ds, "instance-b"); // the same instance id after a restart
        DistributedLock fresh = newRun.obtain("epochs");
        System.out.println("4. the next run takes the expired lease: " + fresh.tryLock(Duration.ZERO, Duration.ofSeconds(30)));
        System.out.println("   the stale run renews (should fail): " + renew(oldRun));
        try {
            old.unlock();
            System.out.println("   the stale run's unlock succeeded; rows left: "
                    + jdbc.queryForObject("SELECT COUNT(*) FROM INT_LOCK", Integer.class) + " (the new run's lease is gone)");
        } catch (RuntimeException e) {
            System.out.println("   stale unlock: " + e);
        }
        System.out.println("   the new run believes it holds it: " + renew(newRun));
        if (args[0].equals("pg")) {
            jdbc.execute("DROP SCHEMA lockprobe CASCADE");
        }
    }

    private static String renew(JdbcLockRegistry r) {
        try {
            r.renewLock("epochs", Duration.ofSeconds(30));
            return "renewed";
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private static JdbcLockRegistry registry(DataSource ds, String clientId) {
        DefaultLockRepository repo = clientId == null ? new DefaultLockRepository(ds) : new DefaultLockRepository(ds, clientId);
        repo.setTransactionManager(new DataSourceTransactionManager(ds));
        repo.setApplicationContext(new StaticApplicationContext());
        repo.afterPropertiesSet();
        repo.afterSingletonsInstantiated();
        return new JdbcLockRegistry(repo, Duration.ofSeconds(30));
    }
}
