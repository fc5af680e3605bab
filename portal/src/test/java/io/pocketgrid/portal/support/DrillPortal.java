package io.pocketgrid.portal.support;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One real portal (H2) for the abuse drills, shared by their test classes (one Spring context). It
 * believes X-Forwarded-For from loopback, so each test plays clients at addresses of its own
 * (documentation ranges, nothing is sent there), apart from each other and from the loopback
 * address the other tests use, which stays exempt from per-address limits as by default.
 * Small limits and short sign-in locks keep the drills quick.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class DrillPortal {

    public static final int MULTIPART_LIMIT = 1 << 20;
    public static final int LEASE_BURST = 10;
    private static final Path DATA_DIR = TempDirs.create("pocketgrid-drill-it");

    @Value("${local.server.port}")
    protected int port;

    protected ApiClient api;

    @DynamicPropertySource
    static void drillProperties(DynamicPropertyRegistry registry) {
        PortalProperties.dataDir(registry, DATA_DIR);
        PortalProperties.noDemoRounds(registry);
        PortalProperties.noLedger(registry);
        registry.add("pocketgrid.limits.trusted-proxies", () -> "127.0.0.1,::1");
        registry.add("pocketgrid.limits.lease-burst", () -> LEASE_BURST);
        registry.add("pocketgrid.limits.leases-per-second", () -> "0.01");
        registry.add("pocketgrid.limits.sign-in-lock", () -> "2s");
        registry.add("pocketgrid.limits.sign-in-max-lock", () -> "4s");
        registry.add("spring.servlet.multipart.max-file-size", () -> MULTIPART_LIMIT);
        registry.add("spring.servlet.multipart.max-request-size", () -> MULTIPART_LIMIT);
    }

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
    }

    /** A JSON POST as if from {@code client}, through the trusted local proxy; bearer may be null. */
    protected ApiClient.Response postFrom(String client, String path, String bearer, String json) {
        Map<String, String> headers = new HashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("X-Forwarded-For", client);
        if (bearer != null) {
            headers.put("Authorization", "Bearer " + bearer);
        }
        return api.send("POST", path, headers, json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }
}
