package io.pocketgrid.portal.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import io.pocketgrid.portal.admin.AdminService;
import io.pocketgrid.portal.api.ApiException;
import jakarta.annotation.security.RolesAllowed;

/** Admins: ban a volunteer; every project can be paused from the owner area, where admins see all. */
@RolesAllowed("ADMIN")
@Route(value = "admin", layout = MainLayout.class)
@PageTitle("Admin — PocketGrid")
public class AdminView extends VerticalLayout {

    public AdminView(AdminService admin) {
        TextField volunteer = new TextField("Volunteer id (as on the leaderboard API)");
        volunteer.setId("ban-volunteer-id");
        volunteer.setWidth("28rem");
        Button ban = new Button("Ban", e -> {
            try {
                AdminService.Ban b = admin.ban(volunteer.getValue().strip());
                Notification.show("Banned: " + b.resultsDiscarded() + " pending results discarded, " + b.leasesEnded()
                        + " leases ended");
            } catch (ApiException ex) {
                Notification.show(ex.getMessage());
            }
        });
        ban.setId("ban-volunteer");
        ban.addThemeVariants(ButtonVariant.ERROR);
        add(new H2("Admin"), new Paragraph("A banned volunteer gets no more work; its results not yet validated are"
                        + " discarded; validated history and credit stay."), volunteer, ban,
                new RouterLink("Pause or cancel any project", MyProjectsView.class));
    }
}
