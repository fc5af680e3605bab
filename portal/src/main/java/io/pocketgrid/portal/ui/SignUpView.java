package io.pocketgrid.portal.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.EmailField;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import io.pocketgrid.portal.account.AccountService;
import io.pocketgrid.portal.security.UiSignIn;
import io.pocketgrid.portal.api.ApiException;

/** Sign up: a name, a password, optionally an email; then the new account is signed in and sees its page. */
@AnonymousAllowed
@Route(value = "signup", layout = MainLayout.class)
@PageTitle("Sign up — PocketGrid")
public class SignUpView extends VerticalLayout {

    public SignUpView(AccountService accounts, UiSignIn signIn) {
        TextField username = new TextField("Username");
        username.setId("signup-username");
        PasswordField password = new PasswordField("Password (8 characters or more, not a common one)");
        password.setId("signup-password");
        EmailField email = new EmailField("Email (optional)");
        Button create = new Button("Create account", e -> {
            try {
                accounts.signUp(username.getValue(), password.getValue(), email.isEmpty() ? null : email.getValue());
                // signed in at once (no second form to fill); a full load so the menu shows the account's pages
                signIn.signIn(username.getValue(), password.getValue());
                getUI().ifPresent(ui -> ui.getPage().setLocation("account"));
            } catch (ApiException ex) {
                Notification.show(ex.getMessage());
            } catch (org.springframework.security.core.AuthenticationException ex) {
                // created, but this address may sign in only later (throttled): the sign-in page says how long
                getUI().ifPresent(ui -> ui.navigate(LoginView.class));
                Notification.show("Account created; sign in now.");
            }
        });
        create.setId("signup-create");
        create.addThemeVariants(ButtonVariant.PRIMARY);
        add(new H2("Sign up"), new FormLayout(username, password, email), create);
        setMaxWidth("36rem");
    }
}
