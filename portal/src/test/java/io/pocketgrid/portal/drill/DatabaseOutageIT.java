package io.pocketgrid.portal.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Drill 3: PostgreSQL goes away under load and comes back. The machine's PostgreSQL is shared with other
 * engineers' tests, so rather than restarting it the drill puts a TCP relay between the portal and it and
 * cuts that: every pooled connection is reset and new ones are refused for a few seconds, which is what the
 * portal sees of a database restart. Afterwards the same portal process must serve again by itself, and every
 * result it acknowledged (a 200 with a receipt) must be in the database.
 */
class DatabaseOutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(4);
    private static final Duration AT_MOST = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void afterTheDatabaseWasCutThePortalServesAgainAndKeptEveryAcknowledgedResult() throws SQLException {
        DrillLog log = new DrillLog("PostgreSQL cut under load");
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", 5432).start()) {
            DrillDatabase db = DrillDatabase.postgres("drill_db_outage", proxy.port());
            List<String> args = new ArrayList<>(List.of("--pocketgrid.ledger.enabled=false",
                    "--pocketgrid.lease-duration=5s"));
            args.addAll(db.portalArgs());
            List<Volunteers.Ack> acks;
            long pid;
            try (PortalProcess portal = new PortalProcess(dir.resolve("portal"), args, db.portalEnv())) {
                log.event("portal ready in %.1f s (pid %d), PostgreSQL through port %d", portal.start(), portal.pid(),
                        proxy.port());
                pid = portal.pid();
                Volunteers.project(portal.port(), 800, 2, 2, 2);
                try (Volunteers volunteers = new Volunteers(portal.port(), 4)) {
                    volunteers.start();
                    volunteers.awaitAcks(60, AT_MOST);
                    int reset = proxy.cut();
                    long cut = System.currentTimeMillis();
                    log.event("cut PostgreSQL: %d connections reset, new ones refused (%d results acknowledged)",
                            reset, volunteers.acks().size());
                    PortalProcess.sleep(OUTAGE.toMillis());
                    int readinessDuring = portal.status("/actuator/health/readiness");
                    proxy.start();
                    long restored = System.currentTimeMillis();
                    log.event("PostgreSQL reachable again after %d ms; readiness during the cut: %d"
                            + " (-1: no answer within 5 s, a request waits for a pooled connection)", restored - cut,
                            readinessDuring);
                    int before = volunteers.acks().size();
                    volunteers.awaitAcks(before + 60, AT_MOST);
                    long firstAfter = volunteers.acks().stream().filter(a -> a.atMillis() > restored)
                            .mapToLong(Volunteers.Ack::atMillis).min().orElseThrow();
                    volunteers.stop();
                    acks = volunteers.acks();
                    Map<String, Long> failures = volunteers.failuresBetween(cut, System.currentTimeMillis()).stream()
                            .collect(Collectors.groupingBy(f -> f.call() + " " + f.status() + " " + f.error(),
                                    TreeMap::new, Collectors.counting()));
                    log.event("first acknowledged result %d ms after the cut ended; volunteer calls failed since the"
                            + " cut: %s; the portal logged %s", firstAfter - restored, failures, serverErrors(portal));
                    assertThat(portal.status("/actuator/health/readiness")).as("readiness afterwards").isEqualTo(200);
                    assertThat(portal.pid()).as("the same portal process").isEqualTo(pid);
                    assertThat(portal.isAlive()).isTrue();
                }
            }
            try (Connection c = db.connect()) {
                JdbcTemplate jdbc = new JdbcTemplate(new SingleConnectionDataSource(c, true));
                Set<String> stored = Set.copyOf(jdbc.queryForList("""
                        SELECT r.assignment_id || '/' || v.public_id FROM result r
                        JOIN assignment a ON a.id = r.assignment_id JOIN volunteer v ON v.id = a.volunteer_id""",
                        String.class));
                List<Volunteers.Ack> lost = acks.stream()
                        .filter(a -> !stored.contains(a.leaseId() + "/" + a.volunteer())).toList();
                log.event("found: %d results stored, %d acknowledged, %d acknowledged ones missing", stored.size(),
                        acks.size(), lost.size());
                assertThat(lost).as("acknowledged results missing from the database").isEmpty();
            }
        } finally {
            log.report();
        }
    }

    /** The exceptions behind the portal's 500s, from its log: class and message, counted. */
    private static Map<String, Long> serverErrors(PortalProcess portal) {
        String[] lines = portal.logTail(Integer.MAX_VALUE).split("\n");
        Map<String, Long> errors = new TreeMap<>();
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains("API call failed")) {
                int next = i + 1;
                while (next < lines.length && lines[next].isBlank()) {
                    next++;
                }
                String cause = next < lines.length ? lines[next].strip() : "?";
                errors.merge(cause.substring(0, Math.min(200, cause.length())), 1L, Long::sum);
            }
        }
        return errors;
    }
}
