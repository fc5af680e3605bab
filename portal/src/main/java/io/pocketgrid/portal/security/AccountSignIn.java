package io.pocketgrid.portal.security;

import io.pocketgrid.portal.account.Account;
import io.pocketgrid.portal.account.AccountService;
import io.pocketgrid.portal.api.ApiException;
import io.pocketgrid.portal.api.ClientAddress;
import io.pocketgrid.portal.api.RateLimitedException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Signs accounts in to the UI through {@link AccountService#signIn}, the same check, timing and
 * throttling as the API's token call; roles ROLE_OWNER, plus ROLE_ADMIN for admins (who own too).
 */
@Component
class AccountSignIn implements AuthenticationProvider {

    private final AccountService accounts;
    private final ClientAddress clients;

    AccountSignIn(AccountService accounts, ClientAddress clients) {
        this.accounts = accounts;
        this.clients = clients;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String username = authentication.getName();
        Object password = authentication.getCredentials();
        Account a;
        try {
            a = accounts.signIn(username, password == null ? null : password.toString(), clientAddress());
        } catch (RateLimitedException e) {
            throw new Locked(e.getMessage(), e.retryAfterSeconds());
        } catch (ApiException e) {
            throw new BadCredentialsException(e.getMessage());
        }
        List<SimpleGrantedAuthority> roles = a.isAdmin()
                ? List.of(new SimpleGrantedAuthority("ROLE_OWNER"), new SimpleGrantedAuthority("ROLE_ADMIN"))
                : List.of(new SimpleGrantedAuthority("ROLE_OWNER"));
        User principal = new User(a.getUsername(), "", roles);
        return UsernamePasswordAuthenticationToken.authenticated(principal, null, roles);
    }

    @Override
    public boolean supports(Class<?> type) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(type);
    }

    private String clientAddress() {
        // form login runs inside the request; RequestContextFilter (ahead of Spring Security) exposes it
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            HttpServletRequest request = attributes.getRequest();
            return clients.of(request);
        }
        return "unknown";
    }

    /** A sign-in refused because of too many failures; the login view tells how long to wait. */
    static final class Locked extends AuthenticationException {
        private final long retryAfterSeconds;

        Locked(String message, long retryAfterSeconds) {
            super(message);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }
}
