package io.pocketgrid.portal.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The container image Jib wrote to {@code target/jib-image.tar}: it holds the portal's classes and its
 * libraries, starts the portal, and runs as a user that is not root. Not part of {@code ./mvnw verify}
 * (building the image takes a while); run with {@code ./mvnw -pl portal verify -Pimage} (docs/operators.md).
 */
class ImageTarCheck {

    private static final Path TAR = Path.of("target", "jib-image.tar");
    private static Map<String, byte[]> outer;
    private static Set<String> files;

    @BeforeAll
    static void read() throws IOException {
        assertThat(TAR).as("built by jib:buildTar").exists();
        try (InputStream in = Files.newInputStream(TAR)) {
            outer = Tar.read(in, name -> true);
        }
        files = new HashSet<>();
        for (Map.Entry<String, byte[]> e : outer.entrySet()) {
            if (e.getKey().endsWith(".tar.gz")) {
                try (InputStream layer = new GZIPInputStream(new ByteArrayInputStream(e.getValue()))) {
                    files.addAll(Tar.read(layer, name -> false).keySet());
                }
            }
        }
    }

    @Test
    void holdsThePortalsClassesAndLibraries() {
        assertThat(files).contains("app/classes/io/pocketgrid/portal/PortalApplication.class",
                "app/resources/application.properties", "data/");
        assertThat(files).anyMatch(f -> f.matches("app/libs/pocketgrid-ledger-bridge-.*\\.jar"));
        assertThat(files).anyMatch(f -> f.matches("app/libs/spring-boot-.*\\.jar"));
    }

    @Test
    void startsThePortalAsAUserThatIsNotRoot() {
        JsonNode config = config().get("config");
        String user = config.get("User").asString();
        assertThat(user).isNotBlank().doesNotStartWith("0:").isNotEqualTo("0").isNotEqualToIgnoringCase("root");
        assertThat(user.split(":")[0]).isEqualTo("65532");
        assertThat(config.get("Entrypoint").toString()).contains("java", "io.pocketgrid.portal.PortalApplication",
                "-Dai.djl.offline=true");
        assertThat(config.get("ExposedPorts").has("8080/tcp")).isTrue();
        assertThat(config.get("Env").toString()).contains("POCKETGRID_DATA_DIR=/data");
    }

    private static JsonNode config() {
        JsonNode manifest = JsonMapper.builder().build().readTree(outer.get("manifest.json")).get(0);
        return JsonMapper.builder().build().readTree(outer.get(manifest.get("Config").asString()));
    }

    /** Just enough of ustar to list a layer and read small members. */
    static final class Tar {

        static Map<String, byte[]> read(InputStream in, java.util.function.Predicate<String> keepBody)
                throws IOException {
            Map<String, byte[]> entries = new HashMap<>();
            byte[] header = new byte[512];
            String longName = null;
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String name = field(header, 0, 100);
                String prefix = field(header, 345, 155);
                long size = Long.parseLong(field(header, 124, 12).trim().isEmpty() ? "0" : field(header, 124, 12).trim(), 8);
                byte type = header[156];
                byte[] body = in.readNBytes((int) size);
                in.skipNBytes((512 - size % 512) % 512);
                if (type == 'L') {
                    longName = new String(body, StandardCharsets.UTF_8).replace("\0", "");
                    continue;
                }
                String full = longName != null ? longName : prefix.isEmpty() ? name : prefix + "/" + name;
                longName = null;
                full = full.startsWith("./") ? full.substring(2) : full.startsWith("/") ? full.substring(1) : full;
                entries.put(full, keepBody.test(full) || full.endsWith(".json") || full.endsWith(".tar.gz")
                        ? body : new byte[0]);
            }
            return entries;
        }

        private static String field(byte[] header, int offset, int length) {
            int end = offset;
            while (end < offset + length && header[end] != 0) {
                end++;
            }
            return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
        }
    }
}
