package io.pocketgrid.portal.ui;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.router.RouterLink;
import io.pocketgrid.portal.project.ProjectQueries;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What this browser is doing, in words: the project of the task it works on (and what that project
 * is for), what it downloaded this session, its completed tasks per minute, and a plain "no work
 * right now" when the server has none. The page script reports; the home view passes it on.
 */
class ActivityPanel extends Div {

    private static final int CHART_MINUTES = 60;

    private final ProjectQueries projects;
    private final Paragraph project = new Paragraph();
    private final Span downloaded = new Span();
    private final Div chart = new Div();
    private final Paragraph noWork = new Paragraph();
    private long projectId = -1;

    ActivityPanel(ProjectQueries projects, Duration leaseDuration) {
        this.projects = projects;
        setWidthFull();
        project.setId("current-project");
        project.setText(getTranslation("activity.project.none"));
        downloaded.setId("downloaded");
        downloaded.setText(getTranslation("activity.downloaded.value", Formats.megabytes(0, getLocale()),
                Formats.megabytes(0, getLocale()), Formats.megabytes(0, getLocale())));
        chart.setId("session-chart");
        chart.setWidthFull();
        noWork.setId("no-work");
        noWork.setText(getTranslation("activity.no-work", Formats.duration(leaseDuration, getLocale())));
        noWork.getStyle().set("padding", "var(--lumo-space-s) var(--lumo-space-m)")
                .set("border-left", "4px solid var(--lumo-primary-color)").set("background", "var(--lumo-contrast-5pct)");
        noWork.setVisible(false);
        add(noWork, project, new Paragraph(new Span(getTranslation("activity.downloaded")), downloaded),
                new Paragraph(getTranslation("activity.chart")), chart);
    }

    /** The worker leased a task of another project than before: name it. */
    void working(long taskId) {
        noWork.setVisible(false);
        projects.projectOfTask(taskId).ifPresent(p -> {
            if (p.id() == projectId) {
                return;
            }
            projectId = p.id();
            project.removeAll();
            project.add(new Span(getTranslation("activity.project")), new RouterLink(p.name(), ProjectDetailView.class, p.id()));
            if (p.description() != null && !p.description().isBlank()) {
                project.add(new Span(" — " + p.description()));
            }
        });
    }

    void noWork(boolean yes) {
        noWork.setVisible(yes);
    }

    /** The page script's session summary: {modelBytes, inputBytes, perMinute[], task, idle}. */
    void session(String json) {
        if (json == null || json.isEmpty() || json.length() > 10_000) {
            return;
        }
        JsonNode s = JsonMapper.builder().build().readTree(json);
        long models = Math.max(0, s.path("modelBytes").asLong(0));
        long inputs = Math.max(0, s.path("inputBytes").asLong(0));
        downloaded.setText(getTranslation("activity.downloaded.value", Formats.megabytes(models + inputs, getLocale()),
                Formats.megabytes(models, getLocale()), Formats.megabytes(inputs, getLocale())));
        // an hour of minutes, the newest on the right: a bar keeps its width however young the session is
        JsonNode minutes = s.path("perMinute");
        int n = Math.min(CHART_MINUTES, minutes.size());
        long[] values = new long[CHART_MINUTES];
        for (int i = 0; i < n; i++) {
            values[CHART_MINUTES - n + i] = Math.max(0, minutes.get(minutes.size() - n + i).asLong(0));
        }
        chart.removeAll();
        if (n > 0) {
            chart.add(BarChart.of(values, getTranslation("activity.chart")));
        }
        if (s.path("task").asLong(0) > 0) {
            working(s.path("task").asLong());
        }
        noWork(s.path("idle").asBoolean(false));
    }
}
