package io.pocketgrid.portal.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.data.renderer.ComponentRenderer;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import com.vaadin.flow.shared.Registration;
import io.pocketgrid.portal.project.ProjectProgress;
import io.pocketgrid.portal.project.ProjectQueries;

/** Every project, with live progress and throughput. */
@AnonymousAllowed
@Route(value = "projects", layout = MainLayout.class)
public class ProjectsView extends VerticalLayout implements HasDynamicTitle {

    private final ProjectQueries queries;
    private final LiveUpdates live;
    private final Grid<ProjectProgress> grid = new Grid<>();
    private Registration registration;
    private final Grid.Column<ProjectProgress> progress;
    private final Grid.Column<ProjectProgress> rate;

    public ProjectsView(ProjectQueries queries, LiveUpdates live) {
        this.queries = queries;
        this.live = live;
        grid.setId("projects");
        // names wrap instead of being cut; status and accuracy take the width they need; on a phone the
        // progress bar and rate give way (the project's page has them), so nothing scrolls sideways
        grid.addThemeVariants(GridVariant.WRAP_CELL_CONTENT);
        grid.addColumn(new ComponentRenderer<>(p -> new RouterLink(p.name(), ProjectDetailView.class, p.id())))
                .setHeader(getTranslation("projects.project")).setFlexGrow(2);
        grid.addColumn(p -> getTranslation("status." + p.status().name())).setHeader(getTranslation("projects.status"))
                .setAutoWidth(true).setFlexGrow(0);
        progress = grid.addColumn(new ComponentRenderer<>(p -> new ProgressBar(0, 1, p.progress())))
                .setHeader(getTranslation("projects.progress"));
        rate = grid.addColumn(p -> Formats.decimal(p.itemsPerSecond(), 1, getLocale())).setHeader(getTranslation("projects.rate"));
        grid.addColumn(p -> p.accuracy() == null ? "—" : Formats.percent(p.accuracy(), getLocale()))
                .setHeader(getTranslation("projects.accuracy")).setAutoWidth(true).setFlexGrow(0);
        grid.setEmptyStateText(getTranslation("projects.empty"));
        add(new H2(getTranslation("projects.heading")), grid);
        setSizeFull();
    }

    @Override
    public String getPageTitle() {
        return getTranslation("title.projects");
    }

    @Override
    protected void onAttach(AttachEvent event) {
        event.getUI().getPage().retrieveExtendedClientDetails(details -> {
            boolean phone = details.getBodyClientWidth() < 600;
            progress.setVisible(!phone);
            rate.setVisible(!phone);
        });
        grid.setItems(queries.listed());
        registration = live.register(event.getUI(), () -> grid.setItems(queries.listed()));
    }

    @Override
    protected void onDetach(DetachEvent event) {
        registration.remove();
    }
}
