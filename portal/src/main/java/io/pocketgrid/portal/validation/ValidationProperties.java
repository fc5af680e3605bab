package io.pocketgrid.portal.validation;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Adaptive replication and spot checks ({@code pocketgrid.validation.*}).
 *
 * @param trustedAfter   consecutive valid results after which a volunteer gets tasks alone
 * @param spotCheckRate  share of a trusted volunteer's tasks that are still replicated, at random
 * @param serverCheckRate share of single-replica results the server recomputes on OnnxRuntime. The
 *                        replicated spot checks are the main defence; this one costs the server
 *                        that share of all trusted work (at 5 % it was a tenth of the portal's CPU
 *                        in the throughput bench), so it stays small.
 */
@ConfigurationProperties("pocketgrid.validation")
public record ValidationProperties(@DefaultValue("10") int trustedAfter, @DefaultValue("0.1") double spotCheckRate,
                                   @DefaultValue("0.02") double serverCheckRate) {
}
