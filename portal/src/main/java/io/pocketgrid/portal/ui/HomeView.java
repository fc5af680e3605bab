package io.pocketgrid.portal.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.ClientCallable;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;

/**
 * The public home page: what PocketGrid is and the contribute controls. The work itself runs in a
 * Web Worker started by {@code /worker/contribute.js}; the page script reports back through the
 * {@link ClientCallable} methods below.
 */
@Route("")
@PageTitle("PocketGrid — lend your browser to science")
public class HomeView extends VerticalLayout {

    private final Button start = new Button("Start contributing");
    private final Button stop = new Button("Stop");
    private final Span tasksCompleted = new Span("0");
    private final Span state = new Span("stopped");

    public HomeView() {
        setMaxWidth("48rem");
        add(new H1("PocketGrid"),
                new Paragraph("Press start and this browser runs small AI inference tasks for research projects."
                        + " Every result is checked, earns exact credit, and credit is committed to a public chain."
                        + " Nothing is installed; stop whenever you like."));
        start.setId("start-contributing");
        start.addThemeVariants(ButtonVariant.PRIMARY);
        stop.setId("stop-contributing");
        stop.setEnabled(false);
        tasksCompleted.setId("tasks-completed");
        state.setId("worker-state");
        start.addClickListener(e -> {
            start.setEnabled(false);
            stop.setEnabled(true);
            getElement().executeJs("window.PocketGrid.start($0)", getElement());
        });
        stop.addClickListener(e -> {
            stop.setEnabled(false);
            start.setEnabled(true);
            getElement().executeJs("window.PocketGrid.stop($0)", getElement());
        });
        add(new HorizontalLayout(start, stop),
                new Paragraph(new Span("Tasks completed by this browser: "), tasksCompleted),
                new Paragraph(new Span("State: "), state));
    }

    @Override
    protected void onAttach(AttachEvent event) {
        event.getUI().getPage().addJavaScript("context://worker/contribute.js");
        getElement().executeJs("return window.PocketGrid ? window.PocketGrid.completedSoFar() : 0")
                .then(Integer.class, this::tasksCompleted);
    }

    @ClientCallable
    void tasksCompleted(int count) {
        tasksCompleted.setText(Integer.toString(count));
    }

    @ClientCallable
    void stateChanged(String text) {
        state.setText(text == null ? "" : text.substring(0, Math.min(text.length(), 200)));
    }
}
