package io.pocketgrid.portal.ui;

import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import com.vaadin.flow.spring.security.AuthenticationContext;

/** The frame of every page: title, and a navigation drawer that folds away on a phone. */
@AnonymousAllowed
public class MainLayout extends AppLayout {

    public MainLayout(AuthenticationContext auth) {
        H1 title = new H1("PocketGrid");
        // inline: Lumo's utility classes need a stylesheet this app does not load, so the class names
        // left the title at a browser H1's size, larger than every page heading
        title.setId("app-title");
        title.getStyle().set("font-size", "var(--lumo-font-size-l)").set("margin", "0");
        SideNav nav = new SideNav();
        nav.addItem(new SideNavItem("Contribute", HomeView.class),
                new SideNavItem("Projects", ProjectsView.class),
                new SideNavItem("Leaderboard", LeaderboardView.class),
                new SideNavItem("Ledger", LedgerView.class));
        if (auth.isAuthenticated()) {
            nav.addItem(new SideNavItem("My projects", MyProjectsView.class), new SideNavItem("Account", AccountView.class));
            if (auth.hasRole("ADMIN")) {
                nav.addItem(new SideNavItem("Admin", AdminView.class));
            }
        } else {
            nav.addItem(new SideNavItem("Sign in", LoginView.class), new SideNavItem("Sign up", SignUpView.class));
        }
        addToNavbar(new DrawerToggle(), title);
        addToDrawer(nav);
        setPrimarySection(Section.DRAWER);
    }
}
