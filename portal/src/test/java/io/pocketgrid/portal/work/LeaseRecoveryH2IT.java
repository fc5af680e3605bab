package io.pocketgrid.portal.work;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.PortalApplication;
import io.pocketgrid.portal.support.ApiClient;
import java.nio.file.Files;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * A portal instance that comes back on its data directory takes back the work its earlier run had out
 * (issue 17, defect 10): those leases expire at once and its feeder claims end, so the tasks are
 * offered again at once instead of after the 10-minute lease deadline. Another instance's leases on the
 * same database are left alone.
 */
class LeaseRecoveryH2IT {

    @Test
    void aRestartedInstanceExpiresItsOwnLeasesAndOffersTheirTasksAgainAtOnce() throws Exception {
        String dataDir = Files.createTempDirectory("pocketgrid-recovery-it").toString();
        long taskId;
        long leaseId;
        String leaseToken;
        String first;
        long foreign;
        try (ConfigurableApplicationContext before = start(dataDir)) {
            ApiClient api = client(before);
            first = api.registerVolunteer();
            JsonNode lease = api.postJson("/api/v1/work/lease", first, "{}").json();
            taskId = lease.get("taskId").asLong();
            leaseId = lease.get("leaseId").asLong();
            leaseToken = lease.get("leaseToken").asString();
            JdbcTemplate jdbc = before.getBean(JdbcTemplate.class);
            assertThat(jdbc.queryForObject("SELECT issued_by FROM assignment WHERE id = ?", String.class, leaseId))
                    .isEqualTo("node-a");
            // a lease another instance on the same database issued, on another task
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            jdbc.update("INSERT INTO assignment (task_id, volunteer_id, status, issued_at, expires_at, issued_by)"
                    + " SELECT MAX(id), ?, 'LEASED', ?, ?, 'node-b' FROM task", jdbc.queryForObject(
                    "SELECT volunteer_id FROM assignment WHERE id = ?", Long.class, leaseId), now, now.plusMinutes(10));
            foreign = jdbc.queryForObject("SELECT MAX(id) FROM assignment", Long.class);
        } // the process is gone; its lease and its claim on the task are still in the database

        try (ConfigurableApplicationContext after = start(dataDir)) {
            ApiClient api = client(after);
            JdbcTemplate jdbc = after.getBean(JdbcTemplate.class);
            assertThat(jdbc.queryForObject("SELECT status FROM assignment WHERE id = ?", String.class, leaseId))
                    .isEqualTo("EXPIRED");
            assertThat(jdbc.queryForObject("SELECT status FROM assignment WHERE id = ?", String.class, foreign))
                    .as("another instance's lease").isEqualTo("LEASED");
            // both replicas of the task are free again, so two new volunteers get it at once
            for (int i = 0; i < 2; i++) {
                JsonNode again = api.postJson("/api/v1/work/lease", api.registerVolunteer(), "{}").json();
                assertThat(again.get("taskId").asLong()).as("replica " + (i + 1) + " of the first task").isEqualTo(taskId);
            }
            ApiClient.Response late = api.send("POST", "/api/v1/work/" + leaseId + "/result", Map.of(
                    "Authorization", "Bearer " + first, "X-Lease-Token", leaseToken, "X-Tensor-Dims", "32,10",
                    "Content-Type", "application/octet-stream"), ApiClient.floats(new float[320]));
            assertThat(late.error()).isEqualTo("LEASE_EXPIRED");
        }
    }

    private static ConfigurableApplicationContext start(String dataDir) {
        return new SpringApplicationBuilder(PortalApplication.class).run("--server.port=0",
                "--pocketgrid.data-dir=" + dataDir, "--pocketgrid.ledger.enabled=false", "--pocketgrid.instance-id=node-a",
                "--pocketgrid.demo-workloads=false");
    }

    private static ApiClient client(ConfigurableApplicationContext context) {
        return new ApiClient(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
    }
}
