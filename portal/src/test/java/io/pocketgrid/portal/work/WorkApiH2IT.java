package io.pocketgrid.portal.work;

import java.io.IOException;
import java.nio.file.Files;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The worker protocol on the embedded H2 database (file mode, as the README's run command uses). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WorkApiH2IT extends WorkApiContract {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        String dataDir = tempDir();
        registry.add("pocketgrid.data-dir", () -> dataDir);
        // no new demo rounds: these tests follow the demo's tasks
        registry.add("pocketgrid.demo-rounds.enabled", () -> "false");
        registry.add("pocketgrid.ledger.enabled", () -> "false");
        // one demo project: this test follows its tasks
        registry.add("pocketgrid.demo-workloads", () -> "false");
        registry.add("pocketgrid.max-result-bytes", () -> MAX_RESULT_BYTES);
        registry.add("pocketgrid.max-open-leases", () -> MAX_OPEN_LEASES);
    }

    private static String tempDir() {
        try {
            return Files.createTempDirectory("pocketgrid-h2-it").toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
