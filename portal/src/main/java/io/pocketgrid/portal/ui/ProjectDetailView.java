package io.pocketgrid.portal.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import com.vaadin.flow.shared.Registration;
import io.pocketgrid.portal.api.ApiException;
import io.pocketgrid.portal.project.ProjectProgress;
import io.pocketgrid.portal.project.ProjectQueries;
import java.util.Locale;

/** One project: progress, throughput, accuracy where labels exist, failures. */
@AnonymousAllowed
@Route(value = "projects", layout = MainLayout.class)
public class ProjectDetailView extends VerticalLayout implements HasUrlParameter<Long>, HasDynamicTitle {

    private final ProjectQueries queries;
    private final LiveUpdates live;
    private final H2 title = new H2();
    private final Paragraph description = new Paragraph();
    private final ProgressBar bar = new ProgressBar(0, 1);
    private final Span summary = new Span();
    private final Paragraph workload = new Paragraph();
    private final com.vaadin.flow.component.html.Div chart = new com.vaadin.flow.component.html.Div();
    private long projectId;
    private Registration registration;

    public ProjectDetailView(ProjectQueries queries, LiveUpdates live) {
        this.queries = queries;
        this.live = live;
        summary.setId("project-summary");
        workload.setId("project-workload");
        chart.setWidthFull();
        chart.setId("progress-chart");
        add(title, description, bar, summary, workload, new Paragraph(getTranslation("project.chart")), chart);
    }

    @Override
    public void setParameter(BeforeEvent event, Long id) {
        projectId = id;
    }

    private void show() {
        try {
            ProjectProgress p = queries.progress(projectId);
            title.setText(p.name());
            description.setText(p.description());
            bar.setValue(p.progress());
            Locale locale = getLocale();
            String accuracy = p.accuracy() == null
                    ? getTranslation(p.labelled() ? "project.accuracy.later" : "project.accuracy.none")
                    : getTranslation("project.accuracy", Formats.percent(p.accuracy(), locale),
                            Formats.integer(p.accuracyItems(), locale));
            summary.setText(getTranslation("project.summary", getTranslation("status." + p.status().name()),
                    Long.toString(p.tasksValidated()), Long.toString(p.tasks()), Long.toString(p.tasksFailed()),
                    Long.toString(p.items()), Formats.decimal(p.itemsPerSecond(), 1, locale), accuracy,
                    Formats.integer(p.flopsPerItem(), locale), p.replication(), p.quorum())
                    + (p.statusNote().isEmpty() ? "" : " · " + p.statusNote()));
            workload.setText(getTranslation("project.workload", Formats.decimal(p.modelBytes() / 1000.0, 1, locale),
                    describe(p.inputs()), describe(p.outputs())));
            chart.removeAll();
            chart.add(BarChart.of(queries.itemsValidatedPerMinute(projectId, 60), getTranslation("project.chart.label")));
        } catch (ApiException e) {
            title.setText(getTranslation("project.none"));
        }
    }

    @Override
    public String getPageTitle() {
        return getTranslation("title.project");
    }

    /** {@code input_ids int64[16], attention_mask int64[16]}. */
    private static String describe(java.util.List<ProjectProgress.Tensor> tensors) {
        return String.join(", ", tensors.stream().map(t -> t.name() + " " + t.dtype()
                + java.util.Arrays.toString(t.itemDims()).replace(" ", "")).toList());
    }

    @Override
    protected void onAttach(AttachEvent event) {
        show();
        registration = live.register(event.getUI(), this::show);
    }

    @Override
    protected void onDetach(DetachEvent event) {
        registration.remove();
    }
}
