package io.pocketgrid.portal.work;

import io.pocketgrid.portal.project.TaskInputs;
import io.pocketgrid.portal.volunteer.VolunteerService;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** Mounts {@link WorkApiServlet} on the worker protocol's hot paths, ahead of Spring MVC. */
@Configuration
class WorkApiConfig {

    @Bean
    ServletRegistrationBean<WorkApiServlet> workApiServlet(VolunteerService volunteers, LeaseService leases,
                                                           ResultService results, RateLimiter rateLimiter,
                                                           TaskInputs inputs, JsonMapper json) {
        ServletRegistrationBean<WorkApiServlet> registration = new ServletRegistrationBean<>(
                new WorkApiServlet(volunteers, leases, results, rateLimiter, inputs, json),
                "/api/v1/work/*", "/api/v1/tasks/*");
        registration.setName("workApi");
        registration.setLoadOnStartup(1);
        return registration;
    }
}
