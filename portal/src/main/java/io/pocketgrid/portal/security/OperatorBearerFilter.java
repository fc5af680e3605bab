package io.pocketgrid.portal.security;

import io.pocketgrid.portal.account.Account;
import io.pocketgrid.portal.account.AccountService;
import io.pocketgrid.portal.api.ApiErrorWriter;
import io.pocketgrid.portal.api.ApiException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Signs in a management call's bearer token: the operator token ({@link OperatorProperties}) or an
 * admin's API token gets role OPERATOR; another account's token is signed in without it (403). A call
 * without a token goes on unsigned (health probes are public); a wrong token is a 401.
 */
final class OperatorBearerFilter extends OncePerRequestFilter {

    static final String ROLE = "OPERATOR";

    private final AccountService accounts;
    private final ApiErrorWriter errors;
    private final byte[] operatorToken;

    OperatorBearerFilter(AccountService accounts, ApiErrorWriter errors, OperatorProperties properties) {
        this.accounts = accounts;
        this.errors = errors;
        this.operatorToken = properties.token().isEmpty() ? null : properties.token().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String authorization = request.getHeader("Authorization");
        if (authorization != null) {
            try {
                signIn(authorization);
            } catch (ApiException e) {
                errors.write(response, e);
                return;
            }
        }
        chain.doFilter(request, response);
    }

    private void signIn(String authorization) {
        String name;
        boolean operator;
        if (operatorToken != null && authorization.startsWith("Bearer ")
                && MessageDigest.isEqual(operatorToken, authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8))) {
            name = "operator";
            operator = true;
        } else {
            Account account = accounts.authenticate(authorization);
            name = account.getUsername();
            operator = account.isAdmin();
        }
        var authorities = operator ? List.of(new SimpleGrantedAuthority("ROLE_" + ROLE)) : List.<SimpleGrantedAuthority>of();
        var context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(name, null, authorities));
        SecurityContextHolder.setContext(context);
    }
}
