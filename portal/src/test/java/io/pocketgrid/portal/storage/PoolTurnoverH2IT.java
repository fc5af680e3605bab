package io.pocketgrid.portal.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.pocketgrid.portal.support.ApiClient;
import io.pocketgrid.portal.support.JvmVolunteer;
import io.pocketgrid.portal.support.PortalProperties;
import io.pocketgrid.portal.support.TempDirs;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The embedded H2 database keeps taking writes while the connection pool replaces its connections
 * (issue 17, defect 1). H2 2.4.240 bound each {@code CHECK (x IN (…))} constraint to the session that
 * created it; once the pool retired that connection at its max lifetime (30 min by default), every
 * insert into account, project, task, assignment or result failed with "Check constraint invalid".
 * Here the pool runs with a short max lifetime and is also told to retire every connection between
 * rounds (the same path in Hikari), so the test needs seconds, not half an hour.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PoolTurnoverH2IT {

    private static final int ROUNDS = 4;

    @Value("${local.server.port}")
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcTemplate jdbc;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        PortalProperties.oneDemoRoundNoLedger(registry, TempDirs.create("pocketgrid-pool-it"));
        registry.add("spring.datasource.hikari.max-lifetime", () -> "30000");
    }

    @Test
    void signUpsLeasesAndResultsKeepWorkingAcrossConnectionReplacements() throws InterruptedException {
        ApiClient api = new ApiClient(port);
        HikariDataSource pool = (HikariDataSource) dataSource;
        assertThat(pool.getMaxLifetime()).as("the short max lifetime took effect").isEqualTo(30_000);
        Set<Integer> seen = sessions();
        int validated = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Set<Integer> before = sessions();
            awaitReplaced(pool, before);
            seen.addAll(sessions());

            String owner = api.ownerToken("pool" + round + "x" + System.nanoTime() % 100_000);
            assertThat(owner).as("round " + round + ": sign-up and sign-in").isNotBlank();
            // two volunteers on the same task: lease, assignment, result, validation and credit rows
            JsonNode first = new JvmVolunteer(api).computeOne();
            assertThat(first).as("round " + round + ": a lease and a result").isNotNull();
            JsonNode second = null;
            for (int tries = 0; tries < 4 && (second == null || !"VALID".equals(second.get("status").asString())); tries++) {
                second = new JvmVolunteer(api).computeOne();
            }
            assertThat(second.get("status").asString()).as("round " + round + ": a second replica validates a task")
                    .isEqualTo("VALID");
            validated++;
        }
        assertThat(seen.size()).as("distinct database sessions over the run: the pool really replaced them")
                .isGreaterThanOrEqualTo(ROUNDS + 1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM credit", Integer.class)).isGreaterThanOrEqualTo(2 * validated);
    }

    private Set<Integer> sessions() {
        return new HashSet<>(jdbc.queryForList("SELECT SESSION_ID FROM INFORMATION_SCHEMA.SESSIONS", Integer.class));
    }

    /**
     * Retires the pool's connections until none of {@code before} is open any more: a connection busy at
     * the eviction closes when next borrowed, so the eviction is repeated while the portal works on.
     */
    private void awaitReplaced(HikariDataSource pool, Set<Integer> before) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            if (i % 10 == 0) {
                pool.getHikariPoolMXBean().softEvictConnections();
            }
            Thread.sleep(100);
            List<Integer> still = sessions().stream().filter(before::contains).toList();
            if (still.isEmpty()) {
                return;
            }
        }
        throw new AssertionError("the pool did not replace sessions " + before);
    }
}
