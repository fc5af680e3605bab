package io.pocketgrid.portal.ui;

import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.theme.lumo.LumoUtility;

/** The frame of every page: title, and a navigation drawer that folds away on a phone. */
public class MainLayout extends AppLayout {

    public MainLayout() {
        H1 title = new H1("PocketGrid");
        title.addClassNames(LumoUtility.FontSize.LARGE, LumoUtility.Margin.NONE);
        SideNav nav = new SideNav();
        nav.addItem(new SideNavItem("Contribute", HomeView.class),
                new SideNavItem("Projects", ProjectsView.class),
                new SideNavItem("Leaderboard", LeaderboardView.class));
        addToNavbar(new DrawerToggle(), title);
        addToDrawer(nav);
        setPrimarySection(Section.DRAWER);
    }
}
