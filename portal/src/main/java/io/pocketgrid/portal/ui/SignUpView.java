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
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import io.pocketgrid.portal.account.AccountService;
import io.pocketgrid.portal.security.UiSignIn;
import io.pocketgrid.portal.api.ApiException;

/** Sign up: a name, a password, optionally an email; then the new account is signed in and sees its page. */
@AnonymousAllowed
@Route(value = "signup", layout = MainLayout.class)
public class SignUpView extends VerticalLayout implements HasDynamicTitle {

    public SignUpView(AccountService accounts, UiSignIn signIn) {
        TextField username = new TextField(getTranslation("signup.username"));
        username.setId("signup-username");
        PasswordField password = new PasswordField(getTranslation("signup.password"));
        password.setId("signup-password");
        EmailField email = new EmailField(getTranslation("signup.email"));
        Button create = new Button(getTranslation("signup.create"), e -> {
            try {
                accounts.signUp(username.getValue(), password.getValue(), email.isEmpty() ? null : email.getValue());
                // signed in at once (no second form to fill); a full load so the menu shows the account's pages
                signIn.signIn(username.getValue(), password.getValue());
                getUI().ifPresent(ui -> ui.getPage().setLocation("account"));
            } catch (ApiException ex) {
                Notification.show(Translations.error(this, ex));
            } catch (org.springframework.security.core.AuthenticationException ex) {
                // created, but this address may sign in only later (throttled): the sign-in page says how long
                getUI().ifPresent(ui -> ui.navigate(LoginView.class));
                Notification.show(getTranslation("signup.created"));
            }
        });
        create.setId("signup-create");
        create.addThemeVariants(ButtonVariant.PRIMARY);
        add(new H2(getTranslation("signup.heading")), new FormLayout(username, password, email), create);
        setMaxWidth("36rem");
    }

    @Override
    public String getPageTitle() {
        return getTranslation("title.signup");
    }
}
