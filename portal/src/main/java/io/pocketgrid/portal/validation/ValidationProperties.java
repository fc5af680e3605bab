package io.pocketgrid.portal.validation;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Adaptive replication and spot checks ({@code pocketgrid.validation.*}).
 *
 * @param trustedAfter   consecutive valid results after which a volunteer gets tasks alone
 * @param spotCheckRate  share of a trusted volunteer's tasks that are still replicated, at random
 * @param serverCheckRate share of single-replica results the server recomputes on OnnxRuntime
 */
@ConfigurationProperties("pocketgrid.validation")
public record ValidationProperties(@DefaultValue("10") int trustedAfter, @DefaultValue("0.1") double spotCheckRate,
                                   @DefaultValue("0.05") double serverCheckRate) {
}
