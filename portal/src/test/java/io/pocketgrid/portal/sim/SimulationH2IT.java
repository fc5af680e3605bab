package io.pocketgrid.portal.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Simulated volunteers against the portal on the embedded H2 database (file mode, as the README runs it). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SimulationH2IT extends SimulationContract {

    private static final String DATA_DIR = tempDir();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        common(registry, DATA_DIR);
    }

    private static String tempDir() {
        try {
            return Files.createTempDirectory("pocketgrid-sim-h2-it").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
