package io.pocketgrid.portal.project;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The bundled demos ({@code pocketgrid.*}; their rounds are {@link DemoRoundsProperties}).
 *
 * @param demoProject   create the bundled demo projects on the first start
 * @param demoModel     which bundled model the Fashion-MNIST demo uses: {@code cnn} or {@code mlp}
 * @param demoWorkloads with it, also create the text classifier (int64 token ids and mask) and the
 *                      int8-quantized CNN demo
 */
@ConfigurationProperties("pocketgrid")
public record DemoProperties(
        @DefaultValue("true") boolean demoProject,
        @DefaultValue("cnn") String demoModel,
        @DefaultValue("true") boolean demoWorkloads) {
}
