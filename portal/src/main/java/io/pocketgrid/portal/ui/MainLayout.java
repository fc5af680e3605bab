package io.pocketgrid.portal.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import com.vaadin.flow.spring.security.AuthenticationContext;
import io.pocketgrid.portal.account.AccountService;
import java.util.Locale;

/** The frame of every page: title, language switch, and a navigation drawer that folds away on a phone. */
@AnonymousAllowed
public class MainLayout extends AppLayout {

    public MainLayout(AuthenticationContext auth, AccountService accounts) {
        H1 title = new H1("PocketGrid");
        // inline: Lumo's utility classes need a stylesheet this app does not load, so the class names
        // left the title at a browser H1's size, larger than every page heading
        title.setId("app-title");
        title.getStyle().set("font-size", "var(--lumo-font-size-l)").set("margin", "0");
        SideNav nav = new SideNav();
        nav.addItem(new SideNavItem(getTranslation("nav.contribute"), HomeView.class),
                new SideNavItem(getTranslation("nav.projects"), ProjectsView.class),
                new SideNavItem(getTranslation("nav.leaderboard"), LeaderboardView.class),
                new SideNavItem(getTranslation("nav.ledger"), LedgerView.class),
                new SideNavItem(getTranslation("nav.about"), AboutView.class));
        if (auth.isAuthenticated()) {
            nav.addItem(new SideNavItem(getTranslation("nav.my-projects"), MyProjectsView.class),
                    new SideNavItem(getTranslation("nav.account"), AccountView.class));
            if (auth.hasRole("ADMIN")) {
                nav.addItem(new SideNavItem(getTranslation("nav.admin"), AdminView.class));
            }
        } else {
            nav.addItem(new SideNavItem(getTranslation("nav.sign-in"), LoginView.class),
                    new SideNavItem(getTranslation("nav.sign-up"), SignUpView.class));
        }
        // names the other language in that language, as a German reader of an English page looks for "Deutsch"
        Locale other = getLocale().getLanguage().equals("de") ? Locale.ENGLISH : Locale.GERMAN;
        Button language = new Button(other.getLanguage().equals("de") ? "Deutsch" : "English",
                e -> LanguageChoice.choose(UI.getCurrent(), other, accounts));
        language.setId("language-switch");
        language.getElement().setAttribute("lang", other.getLanguage());
        language.getElement().setAttribute("title", getTranslation("nav.language"));
        language.addThemeVariants(ButtonVariant.TERTIARY, ButtonVariant.SMALL);
        language.getStyle().set("margin-left", "auto").set("margin-right", "var(--lumo-space-m)");
        addToNavbar(new DrawerToggle(), title, language);
        addToDrawer(nav);
        setPrimarySection(Section.DRAWER);
    }
}
