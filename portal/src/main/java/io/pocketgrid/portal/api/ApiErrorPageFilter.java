package io.pocketgrid.portal.api;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.HttpRequestHandler;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;

/**
 * The error page (/error) of an API call answers JSON: Tomcat's failures (a multipart body over its
 * limit) and Spring MVC's before a controller is chosen (wrong method) end there. Without this the
 * error dispatch went to the UI's security chain, which redirected to /login, or to Tomcat's HTML page.
 * Ahead of Spring Security: an error page needs no sign-in.
 */
final class ApiErrorPageFilter extends HttpFilter {

    private final transient ApiErrorWriter errors;

    ApiErrorPageFilter(ApiErrorWriter errors) {
        this.errors = errors;
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        Object uri = req.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        if (!(uri instanceof String path) || !path.startsWith(req.getContextPath() + "/api/")) {
            chain.doFilter(req, res);
            return;
        }
        int status = req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer s ? s : 500;
        status = status < 400 ? 500 : status;
        errors.write(res, status, ApiErrorWriter.code(status), message(status));
    }

    private static String message(int status) {
        return switch (status) {
            case 404 -> "no such resource";
            case 405 -> "this method is not supported here";
            case 413 -> "the body is larger than the portal accepts";
            default -> status >= 500 ? "the server failed; the call changed nothing" : "the request was refused";
        };
    }

    @Configuration
    static class Registration {

        @Bean
        FilterRegistrationBean<ApiErrorPageFilter> apiErrorPageFilter(ApiErrorWriter errors) {
            FilterRegistrationBean<ApiErrorPageFilter> r = new FilterRegistrationBean<>(new ApiErrorPageFilter(errors));
            r.setDispatcherTypes(DispatcherType.ERROR);
            r.addUrlPatterns("/*");
            r.setName("apiErrorPage");
            r.setOrder(Ordered.HIGHEST_PRECEDENCE);
            return r;
        }

        /**
         * An unknown /api path is a JSON 404; otherwise Vaadin's catch-all mapping answered it with the UI's
         * HTML page and 200. Consulted after the controllers' mappings (order 0), before Vaadin's. Swagger UI's
         * files under /api/docs/ are left to the resource handlers.
         */
        @Bean
        SimpleUrlHandlerMapping apiNotFoundMapping(ApiErrorWriter errors) {
            HttpRequestHandler notFound = (req, res) -> errors.write(res, 404, "NOT_FOUND", "no such resource");
            SimpleUrlHandlerMapping mapping = new SimpleUrlHandlerMapping(Map.of("/api/**", notFound)) {
                @Override
                protected Object getHandlerInternal(jakarta.servlet.http.HttpServletRequest request) throws Exception {
                    return request.getRequestURI().startsWith(request.getContextPath() + "/api/docs/") ? null
                            : super.getHandlerInternal(request);
                }
            };
            mapping.setOrder(1);
            return mapping;
        }
    }
}
