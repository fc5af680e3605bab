package io.pocketgrid.portal.ui;

import com.vaadin.flow.component.login.LoginForm;
import com.vaadin.flow.component.login.LoginI18n;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.server.VaadinServletRequest;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import jakarta.servlet.http.HttpSession;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.WebAttributes;

/** Sign in (Spring Security form login behind Vaadin's LoginForm). */
@AnonymousAllowed
@Route(value = "login", layout = MainLayout.class)
@PageTitle("Sign in — PocketGrid")
public class LoginView extends VerticalLayout implements BeforeEnterObserver {

    private final LoginForm form = new LoginForm();

    public LoginView() {
        form.setAction("login");
        form.setForgotPasswordButtonVisible(false);
        form.setId("login-form");
        // one heading: the form's own, named like the menu entry and the page title (it said "Log in")
        add(form, new RouterLink("No account yet? Sign up", SignUpView.class));
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        boolean error = event.getLocation().getQueryParameters().getParameters().containsKey("error");
        LoginI18n i18n = LoginI18n.createDefault();
        i18n.getForm().setTitle("Sign in");
        i18n.getForm().setSubmit("Sign in");
        if (error && lastFailure() instanceof AuthenticationException e && !(e instanceof BadCredentialsException)) {
            // the sign-in was refused unread: too many failures for this name or from this address
            i18n.getErrorMessage().setTitle("Too many failed sign-ins");
            i18n.getErrorMessage().setMessage(e.getMessage() + ". The wait ends by itself; a correct password is "
                    + "accepted again then.");
        }
        form.setI18n(i18n);
        form.setError(error);
    }

    /** What Spring Security's form login kept in the session about the last refused sign-in. */
    private static Object lastFailure() {
        VaadinServletRequest request = VaadinServletRequest.getCurrent();
        HttpSession session = request == null ? null : request.getHttpServletRequest().getSession(false);
        return session == null ? null : session.getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
    }
}
