package io.pocketgrid.portal.workload;

import java.io.IOException;
import java.nio.file.Files;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link WorkloadTypesContract} on the embedded H2. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WorkloadTypesH2IT extends WorkloadTypesContract {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        String dataDir = Files.createTempDirectory("pocketgrid-workload-it").toString();
        registry.add("pocketgrid.data-dir", () -> dataDir);
        registry.add("pocketgrid.ledger.enabled", () -> "false");
        registry.add("pocketgrid.demo-project", () -> "false");
        // every lone replica is recomputed on OnnxRuntime: int64 and float16 inputs must reach it right
        registry.add("pocketgrid.validation.server-check-rate", () -> "1.0");
    }
}
