package io.pocketgrid.portal.ui;

import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;

/**
 * About, FAQ and privacy in plain words: what runs on the device, what is stored and where, what is
 * on chain (hashes, no names), and what credit and the token are worth (no promise of money).
 */
@AnonymousAllowed
@Route(value = "about", layout = MainLayout.class)
public class AboutView extends VerticalLayout implements HasDynamicTitle {

    /** Each section: a heading and its paragraphs, in the order a first-time visitor asks. */
    static final String[][] SECTIONS = {
        {"runs", "runs.1", "runs.2"},
        {"stored", "stored.1", "stored.2", "stored.3"},
        {"chain", "chain.1", "chain.2"},
        {"credit", "credit.1", "credit.2"},
        {"faq.stop", "faq.stop.1"},
        {"faq.phone", "faq.phone.1"},
        {"faq.results", "faq.results.1"},
    };

    public AboutView() {
        setId("about");
        setMaxWidth("48rem");
        add(new H2(getTranslation("about.heading")), new Paragraph(getTranslation("about.intro")));
        for (String[] section : SECTIONS) {
            add(new H3(getTranslation("about." + section[0] + ".heading")));
            for (int i = 1; i < section.length; i++) {
                add(new Paragraph(getTranslation("about." + section[i])));
            }
        }
    }

    @Override
    public String getPageTitle() {
        return getTranslation("title.about");
    }
}
