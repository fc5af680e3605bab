package io.pocketgrid.portal.sim;

import io.pocketgrid.portal.support.TempDirs;
import java.nio.file.Path;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Simulated volunteers against the portal on the embedded H2 database (file mode, as the README runs it). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SimulationH2IT extends SimulationContract {

    private static final Path DATA_DIR = TempDirs.create("pocketgrid-sim-h2-it");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        common(registry, DATA_DIR);
    }
}
