package io.pocketgrid.portal.project;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the bundled demo keeps work available ({@code pocketgrid.demo-rounds.*}).
 *
 * @param enabled  queue the next round of a demo when its newest round has handed out every task once
 *                 or finished. Tests that follow one demo's tasks to the end turn this off.
 * @param interval how often each instance looks
 * @param maxOpen  rounds of one demo that may run at once: a lone volunteer, who can hold only one
 *                 replica of each task, computes this many rounds and then waits for a second
 *                 volunteer instead of growing the database for ever
 */
@ConfigurationProperties("pocketgrid.demo-rounds")
public record DemoRoundsProperties(@DefaultValue("true") boolean enabled, @DefaultValue("30s") Duration interval,
                                   @DefaultValue("3") int maxOpen) {
}
