package io.pocketgrid.portal.work;

import io.pocketgrid.portal.api.ApiErrorWriter;
import io.pocketgrid.portal.project.TaskInputs;
import io.pocketgrid.portal.volunteer.VolunteerService;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import tools.jackson.databind.json.JsonMapper;

/**
 * Mounts {@link WorkApiFilter} on the worker protocol's hot paths, right after the body-size
 * filter and ahead of every other filter and of Spring MVC.
 */
@Configuration
class WorkApiConfig {

    @Bean
    FilterRegistrationBean<WorkApiFilter> workApiFilter(VolunteerService volunteers, LeaseService leases,
                                                        ResultService results, RateLimiter rateLimiter,
                                                        TaskInputs inputs, JsonMapper json, ApiErrorWriter errors) {
        FilterRegistrationBean<WorkApiFilter> registration = new FilterRegistrationBean<>(
                new WorkApiFilter(volunteers, leases, results, rateLimiter, inputs, json, errors));
        registration.addUrlPatterns("/api/v1/work/*", "/api/v1/tasks/*");
        registration.setName("workApi");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20); // just behind BodyLimitFilter
        return registration;
    }
}
