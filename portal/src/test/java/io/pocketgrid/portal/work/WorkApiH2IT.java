package io.pocketgrid.portal.work;

import io.pocketgrid.portal.support.PortalProperties;
import io.pocketgrid.portal.support.TempDirs;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The worker protocol on the embedded H2 database (file mode, as the README's run command uses). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WorkApiH2IT extends WorkApiContract {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        PortalProperties.oneDemoRoundNoLedger(registry, TempDirs.create("pocketgrid-h2-it"));
        registry.add("pocketgrid.max-result-bytes", () -> MAX_RESULT_BYTES);
        registry.add("pocketgrid.max-open-leases", () -> MAX_OPEN_LEASES);
    }
}
