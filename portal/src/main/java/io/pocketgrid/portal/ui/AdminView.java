package io.pocketgrid.portal.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import io.pocketgrid.portal.admin.AdminService;
import io.pocketgrid.portal.api.ApiException;
import jakarta.annotation.security.RolesAllowed;

/** Admins: ban a volunteer; every project can be paused from the owner area, where admins see all. */
@RolesAllowed("ADMIN")
@Route(value = "admin", layout = MainLayout.class)
public class AdminView extends VerticalLayout implements HasDynamicTitle {

    public AdminView(AdminService admin) {
        TextField volunteer = new TextField(getTranslation("admin.volunteer-id"));
        volunteer.setId("ban-volunteer-id");
        volunteer.setWidth("28rem");
        volunteer.setMaxWidth("100%");
        Button ban = new Button(getTranslation("admin.ban"), e -> {
            try {
                AdminService.Ban b = admin.ban(volunteer.getValue().strip());
                Notification.show(getTranslation("admin.banned", b.resultsDiscarded(), b.leasesEnded()));
            } catch (ApiException ex) {
                Notification.show(Translations.error(this, ex));
            }
        });
        ban.setId("ban-volunteer");
        ban.addThemeVariants(ButtonVariant.ERROR);
        add(new H2(getTranslation("admin.heading")), new Paragraph(getTranslation("admin.text")), volunteer, ban,
                new RouterLink(getTranslation("admin.projects"), MyProjectsView.class));
    }

    @Override
    public String getPageTitle() {
        return getTranslation("title.admin");
    }
}
