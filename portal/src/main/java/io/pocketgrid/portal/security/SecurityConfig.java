package io.pocketgrid.portal.security;

import com.vaadin.flow.spring.security.VaadinSecurityConfigurer;
import io.pocketgrid.portal.account.AccountService;
import io.pocketgrid.portal.api.ApiErrorWriter;
import io.pocketgrid.portal.ui.LoginView;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;

/**
 * Two worlds: the REST API and the worker's static files are stateless and check their own bearer
 * tokens (volunteer tokens, owner API tokens) in the services, so Spring Security lets them
 * through untouched (but for {@link UploadGate}); the Vaadin UI signs people in with a session,
 * views saying who may see them, through {@link AccountSignIn}.
 */
@Configuration
@EnableWebSecurity
class SecurityConfig {

    @Bean
    @Order(1)
    SecurityFilterChain api(HttpSecurity http, ApiErrorWriter errors, AccountService accounts) throws Exception {
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
        http.with(VaadinSecurityConfigurer.vaadin(), vaadin -> vaadin.loginView(LoginView.class));
        return http.build();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return new BCryptPasswordEncoder();
    }
}
