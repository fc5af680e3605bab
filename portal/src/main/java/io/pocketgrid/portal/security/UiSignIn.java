package io.pocketgrid.portal.security;

import com.vaadin.flow.server.VaadinServletRequest;
import com.vaadin.flow.server.VaadinServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.stereotype.Component;

/**
 * Signs an account in to the UI session from inside a view, as the sign-in form does: the same
 * check ({@link AccountSignIn}), a new session id (no fixation), the security context kept in the
 * session. The sign-up view uses it so a new account does not have to sign in again at once.
 */
@Component
public class UiSignIn {

    private final AccountSignIn provider;
    private final SecurityContextRepository repository = new HttpSessionSecurityContextRepository();

    UiSignIn(AccountSignIn provider) {
        this.provider = provider;
    }

    /** Signs in; a refusal is the provider's AuthenticationException. Reload the page afterwards. */
    public void signIn(String username, String password) {
        Authentication auth = provider.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(username, password));
        HttpServletRequest request = VaadinServletRequest.getCurrent().getHttpServletRequest();
        request.changeSessionId();
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(auth);
        SecurityContextHolder.setContext(context);
        repository.saveContext(context, request, VaadinServletResponse.getCurrent().getHttpServletResponse());
    }
}
