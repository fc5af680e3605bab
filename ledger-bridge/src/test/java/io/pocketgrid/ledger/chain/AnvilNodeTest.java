package io.pocketgrid.ledger.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AnvilNodeTest {

    @Test
    void findsTheNpmInstalledBinaryFromTheModuleDirectory() {
        assertThat(AnvilNode.findBinary()).hasValueSatisfying(path -> {
            assertThat(Files.isExecutable(path)).isTrue();
            assertThat(path.toString()).endsWith("anvil");
        });
    }

    @Test
    void systemPropertyWins() {
        String previous = System.getProperty(AnvilNode.PATH_PROPERTY);
        System.setProperty(AnvilNode.PATH_PROPERTY, "/opt/elsewhere/anvil");
        try {
            assertThat(AnvilNode.locateBinary()).isEqualTo(Path.of("/opt/elsewhere/anvil"));
        } finally {
            if (previous == null) {
                System.clearProperty(AnvilNode.PATH_PROPERTY);
            } else {
                System.setProperty(AnvilNode.PATH_PROPERTY, previous);
            }
        }
    }
}
