package io.pocketgrid.portal.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinRequest;
import com.vaadin.flow.server.VaadinServiceInitListener;
import io.pocketgrid.portal.account.AccountService;
import jakarta.servlet.http.Cookie;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * Which language a page is shown in, decided at every page load: the signed-in account's choice,
 * else this browser's choice (a cookie), else the browser's language (Vaadin matched the request's
 * Accept-Language against {@link Translations} when it made the session). Signing in is a page
 * load, so an account's language applies from there on.
 */
@Component
class LanguageChoice implements VaadinServiceInitListener {

    static final String COOKIE = "pocketgrid.lang";

    private final AccountService accounts;

    LanguageChoice(AccountService accounts) {
        this.accounts = accounts;
    }

    @Override
    public void serviceInit(ServiceInitEvent event) {
        event.getSource().addUIInitListener(e -> chosen(VaadinRequest.getCurrent()).ifPresent(e.getUI()::setLocale));
    }

    private Optional<Locale> chosen(VaadinRequest request) {
        Optional<Locale> account = signedIn().map(name -> accounts.byUsername(name).getLocale()).map(Locale::forLanguageTag);
        if (account.isPresent()) {
            return account;
        }
        return Optional.ofNullable(request == null ? null : request.getCookies())
                .flatMap(cookies -> Arrays.stream(cookies).filter(c -> c.getName().equals(COOKIE)).findFirst())
                .map(Cookie::getValue)
                .filter(v -> v.matches("[a-z]{2}"))
                .map(Locale::forLanguageTag);
    }

    private static Optional<String> signedIn() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth == null || !auth.isAuthenticated() || auth instanceof AnonymousAuthenticationToken
                ? Optional.empty() : Optional.of(auth.getName());
    }

    /** Keeps a choice: for this browser (a year-long cookie), for the account if signed in; the page then reloads. */
    static void choose(UI ui, Locale locale, AccountService accounts) {
        String tag = Translations.supported(locale).getLanguage();
        signedIn().ifPresent(name -> accounts.changeLocale(accounts.byUsername(name).getId(), tag));
        ui.getPage().executeJs("document.cookie = $0 + '=' + $1 + '; path=/; max-age=31536000; samesite=lax';"
                + " location.reload()", COOKIE, tag);
    }
}
