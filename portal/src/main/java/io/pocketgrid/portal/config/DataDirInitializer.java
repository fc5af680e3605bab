package io.pocketgrid.portal.config;

import java.nio.file.Path;
import java.util.Map;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Points the embedded H2 database at {@code <pocketgrid.data-dir>/pocketgrid} unless a datasource
 * URL is configured. Done here rather than in application.properties because H2 refuses paths that
 * are implicitly relative, and the data directory may be given either way on the command line.
 */
public class DataDirInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ConfigurableEnvironment env = context.getEnvironment();
        if (env.containsProperty("spring.datasource.url")) {
            return;
        }
        Path dataDir = Path.of(env.getProperty("pocketgrid.data-dir", "./data")).toAbsolutePath().normalize();
        String url = "jdbc:h2:file:" + dataDir.resolve("pocketgrid") + ";QUERY_CACHE_SIZE=64";
        env.getPropertySources().addLast(new MapPropertySource("pocketgridDataDir",
                Map.of("spring.datasource.url", url, "spring.datasource.username", "sa")));
    }
}
