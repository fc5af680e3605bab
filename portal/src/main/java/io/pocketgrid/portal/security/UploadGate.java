package io.pocketgrid.portal.security;

import io.pocketgrid.portal.account.AccountService;
import io.pocketgrid.portal.api.ApiErrorWriter;
import io.pocketgrid.portal.api.ApiException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Checks an upload's owner API token before its body is read: Spring MVC parses a multipart body
 * (up to gigabytes, to disk) before the controller sees the token, so an anonymous client could make
 * the portal read and store a whole upload only to hear 401. Only multipart calls to /api come here.
 */
final class UploadGate extends OncePerRequestFilter {

    private final AccountService accounts;
    private final ApiErrorWriter errors;

    UploadGate(AccountService accounts, ApiErrorWriter errors) {
        this.accounts = accounts;
        this.errors = errors;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String type = request.getContentType();
        return type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/")
                || !request.getRequestURI().startsWith(request.getContextPath() + "/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            accounts.authenticate(request.getHeader("Authorization"));
        } catch (ApiException e) {
            // the body stays unread: Tomcat swallows a little of it and closes the connection on a large one
            errors.write(response, e);
            return;
        }
        chain.doFilter(request, response);
    }
}
