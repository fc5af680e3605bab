package io.pocketgrid.portal.stats;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * The home page's headline figures as gauges. They are the grid's (read from the database, shared by
 * every instance) and come from {@link GlobalStats}, so a scrape costs nothing beyond what the home
 * page already computes every few seconds.
 */
@Component
class StatsMeters {

    StatsMeters(GlobalStats stats, MeterRegistry meters) {
        Gauge.builder("pocketgrid.volunteers.online", stats, s -> s.now().volunteersOnline())
                .description("volunteers that leased work in the last five minutes (whole grid)").register(meters);
        Gauge.builder("pocketgrid.inferences.rate", stats, s -> s.now().inferencesPerSecond())
                .description("items computed per second over the last minute (whole grid)").register(meters);
        Gauge.builder("pocketgrid.credits.granted", stats, s -> s.now().totalCredits())
                .description("all credit ever granted (whole grid)").register(meters);
    }
}
