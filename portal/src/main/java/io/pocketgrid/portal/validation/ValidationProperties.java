package io.pocketgrid.portal.validation;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Adaptive replication, spot checks, and what a volunteer's record of valid and invalid results
 * earns it ({@code pocketgrid.validation.*}). A result is invalid when a quorum or a server spot
 * check proved it wrong; disagreements no quorum has settled yet are charged to nobody.
 *
 * @param trustedAfter   consecutive valid results after which a volunteer gets tasks alone
 * @param spotCheckRate  share of a trusted volunteer's tasks that are still replicated, at random
 * @param serverCheckRate share of single-replica results the server recomputes on OnnxRuntime. The
 *                        replicated spot checks are the main defence; this one costs the server
 *                        that share of all trusted work (at 2 % on a 2-core machine, switching it
 *                        off took the paced throughput bench from 839–884 to 990 round trips/s), so it
 *                        stays small. The check runs off the
 *                        request path on one thread ({@link SpotChecks}): the volunteer hears PENDING,
 *                        and a result is not picked while that thread has a full queue.
 * @param throttleAfter  invalid results (at least a fifth of its judged ones) after which a volunteer
 *                       gets one task per {@code throttleInterval}
 * @param ignoreAfter    invalid results (at least half of its judged ones) after which a volunteer
 *                       gets no more work
 * @param throttleInterval how often a throttled volunteer may lease
 */
@ConfigurationProperties("pocketgrid.validation")
public record ValidationProperties(@DefaultValue("10") int trustedAfter, @DefaultValue("0.1") double spotCheckRate,
                                   @DefaultValue("0.02") double serverCheckRate, @DefaultValue("2") int throttleAfter,
                                   @DefaultValue("5") int ignoreAfter, @DefaultValue("30s") Duration throttleInterval) {

    /** Valid results a volunteer needs before its disagreements count against a task. */
    static final int RELIABLE_AFTER = 3;

    /** Most of this volunteer's judged results were wrong: it gets no more work. */
    public boolean ignores(int valid, int invalid) {
        return invalid >= ignoreAfter && invalid >= valid;
    }

    /** This volunteer's results keep disagreeing with quorums: it gets work only now and then. */
    public boolean throttles(int valid, int invalid) {
        return invalid >= throttleAfter && 4L * invalid >= valid;
    }

    /**
     * A volunteer with a good record: when such volunteers disagree on a task and no quorum forms, the
     * task itself is the problem (e.g. a model that is not deterministic across engines).
     */
    public boolean reliable(int valid, int invalid) {
        return valid >= RELIABLE_AFTER && 10L * invalid <= valid;
    }
}
