package io.pocketgrid.portal.security;

import com.vaadin.flow.spring.security.VaadinSecurityConfigurer;
import io.pocketgrid.portal.account.AccountService;
import io.pocketgrid.portal.api.ApiErrorWriter;
import io.pocketgrid.portal.ui.LoginView;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;

/**
 * Three worlds. The management endpoints ({@code /actuator}, or a management port of their own) are
 * for operators: health and its probes are public (details only for operators), everything else
 * needs role OPERATOR ({@link OperatorBearerFilter}). The REST API and the worker's static files are stateless and check their own bearer
 * tokens (volunteer tokens, owner API tokens) in the services, so Spring Security lets them
 * through untouched (but for {@link UploadGate}); the Vaadin UI signs people in with a session,
 * views saying who may see them, through {@link AccountSignIn}.
 */
@Configuration
@EnableWebSecurity
class SecurityConfig {

    @Bean
    @Order(0)
    SecurityFilterChain management(HttpSecurity http, ApiErrorWriter errors, AccountService accounts,
                                   OperatorProperties operator) throws Exception {
        http.securityMatcher(EndpointRequest.toAnyEndpoint())
                .authorizeHttpRequests(a -> a
                        .requestMatchers(EndpointRequest.to(HealthEndpoint.class)).permitAll()
                        .anyRequest().hasRole(OperatorBearerFilter.ROLE))
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((req, res, ex) -> {
                            res.setHeader("WWW-Authenticate", "Bearer");
                            errors.write(res, HttpStatus.UNAUTHORIZED, "UNAUTHORIZED",
                                    "this endpoint needs the operator token or an admin's API token");
                        })
                        .accessDeniedHandler((req, res, ex) -> errors.write(res, HttpStatus.FORBIDDEN, "FORBIDDEN",
                                "this endpoint is for operators and admins")))
                .addFilterBefore(new OperatorBearerFilter(accounts, errors, operator), AuthorizationFilter.class)
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.disable())
                .logout(l -> l.disable())
                .anonymous(a -> a.disable());
        return http.build();
    }

    @Bean
    @Order(1)
    SecurityFilterChain api(HttpSecurity http, ApiErrorWriter errors, AccountService accounts) throws Exception {
        // Swagger UI's page and files live under /api/docs/ and are public like the API they describe
        http.securityMatcher("/api/**", "/worker/**")
                .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                // should Spring Security ever refuse an API call, it answers JSON, never a redirect to /login
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((req, res, ex) -> errors.write(res, HttpStatus.UNAUTHORIZED,
                                "UNAUTHORIZED", "this call needs a bearer token"))
                        .accessDeniedHandler((req, res, ex) -> errors.write(res, HttpStatus.FORBIDDEN, "FORBIDDEN",
                                "this call is not allowed")))
                .addFilterBefore(new UploadGate(accounts, errors), AuthorizationFilter.class)
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.disable())
                // bearer tokens are checked by the services; these filters only cost time per call
                .logout(l -> l.disable())
                .anonymous(a -> a.disable());
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain ui(HttpSecurity http) throws Exception {
        // addresses that are no route reach Vaadin, which answers its 404 view (NotFoundView) instead of
        // a redirect to sign in; views are still guarded by their own access annotations
        http.with(VaadinSecurityConfigurer.vaadin(), vaadin -> vaadin.loginView(LoginView.class)
                .anyRequest(AuthorizeHttpRequestsConfigurer.AuthorizedUrl::permitAll));
        return http.build();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return new BCryptPasswordEncoder();
    }
}
