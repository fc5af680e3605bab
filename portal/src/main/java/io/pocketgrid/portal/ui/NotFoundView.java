package io.pocketgrid.portal.ui;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.ErrorParameter;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.HasErrorParameter;
import com.vaadin.flow.router.NotFoundException;
import com.vaadin.flow.router.ParentLayout;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import jakarta.servlet.http.HttpServletResponse;

/**
 * What an address that is no page shows, to everyone: before, an unknown URL sent visitors to the
 * sign-in page as if the page existed behind it. Views that need an account still send anonymous
 * visitors to sign in (Vaadin's navigation access control). The router gets 404; the page itself
 * loads with 200, as Vaadin 25 bootstraps every address the same way.
 */
@ParentLayout(MainLayout.class)
@AnonymousAllowed
public class NotFoundView extends VerticalLayout implements HasErrorParameter<NotFoundException>, HasDynamicTitle {

    @Override
    public int setErrorParameter(BeforeEnterEvent event, ErrorParameter<NotFoundException> parameter) {
        removeAll();
        setId("not-found");
        add(new H2(getTranslation("notfound.heading")),
                new Paragraph(getTranslation("notfound.text", "/" + event.getLocation().getPath())),
                new Anchor("", getTranslation("notfound.back")));
        return HttpServletResponse.SC_NOT_FOUND;
    }

    @Override
    public String getPageTitle() {
        return getTranslation("title.notfound");
    }
}
