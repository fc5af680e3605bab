package io.pocketgrid.portal.workload;

import io.pocketgrid.portal.support.PortalProperties;
import io.pocketgrid.portal.support.TempDirs;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link WorkloadTypesContract} on the embedded H2. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WorkloadTypesH2IT extends WorkloadTypesContract {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        PortalProperties.noDemoNoLedger(registry, TempDirs.create("pocketgrid-workload-it"));
        // every lone replica is recomputed on OnnxRuntime: int64 and float16 inputs must reach it right
        registry.add("pocketgrid.validation.server-check-rate", () -> "1.0");
    }
}
