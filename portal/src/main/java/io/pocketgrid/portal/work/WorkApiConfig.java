package io.pocketgrid.portal.work;

import io.pocketgrid.portal.api.ApiErrorWriter;
import io.pocketgrid.portal.project.TaskInputs;
import io.pocketgrid.portal.volunteer.VolunteerService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationPredicate;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * Mounts {@link WorkApiFilter} on the worker protocol's hot paths, right after the body-size
 * filter and ahead of every other filter and of Spring MVC, and keeps Spring's per-request
 * observation ({@code http.server.requests}) off those paths: the filter times its calls itself.
 */
@Configuration
class WorkApiConfig {

    @Bean
    FilterRegistrationBean<WorkApiFilter> workApiFilter(VolunteerService volunteers, LeaseService leases,
                                                        ResultService results, RateLimiter rateLimiter,
                                                        TaskInputs inputs, JsonMapper json, ApiErrorWriter errors,
                                                        MeterRegistry meters) {
        FilterRegistrationBean<WorkApiFilter> registration = new FilterRegistrationBean<>(
                new WorkApiFilter(volunteers, leases, results, rateLimiter, inputs, json, errors, meters));
        registration.addUrlPatterns("/api/v1/work/*", "/api/v1/tasks/*");
        registration.setName("workApi");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20); // just behind BodyLimitFilter
        return registration;
    }

    /**
     * No {@code http.server.requests} observation for the worker protocol's calls: its filter runs before
     * {@link WorkApiFilter} on every request, and building its context, key values and meter look-ups was
     * ~7 % of the portal's CPU in the throughput bench (JFR). {@code pocketgrid_work_calls} times them.
     */
    @Bean
    ObservationPredicate noRequestObservationOfWorkCalls() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext request
                && WorkApiFilter.handles(request.getCarrier()));
    }
}
