package io.pocketgrid.portal.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.server.streams.DownloadHandler;
import com.vaadin.flow.server.streams.UploadHandler;
import com.vaadin.flow.spring.security.AuthenticationContext;
import io.pocketgrid.portal.account.Account;
import io.pocketgrid.portal.account.AccountService;
import io.pocketgrid.portal.api.ApiException;
import io.pocketgrid.portal.project.ModelReport;
import io.pocketgrid.portal.project.Project;
import io.pocketgrid.portal.project.ProjectProgress;
import io.pocketgrid.portal.project.ProjectQueries;
import io.pocketgrid.portal.project.ProjectService;
import io.pocketgrid.portal.project.ProjectSettings;
import io.pocketgrid.portal.project.ProjectStatus;
import jakarta.annotation.security.RolesAllowed;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * The owner area: a create-project wizard (model → check report → inputs and labels → settings →
 * launch) and the owner's projects with progress, pause/resume/cancel and result download.
 */
@RolesAllowed("OWNER")
@Route(value = "my/projects", layout = MainLayout.class)
public class MyProjectsView extends VerticalLayout implements HasDynamicTitle {

    private final ProjectService projects;
    private final ProjectQueries queries;
    private final Account owner;
    private final Grid<ProjectProgress> grid = new Grid<>();
    private final Div report = new Div();
    private final Button launch = new Button(getTranslation("my.launch"));
    private final Paragraph launched = new Paragraph();
    private File modelFile;
    private File inputsFile;
    private File labelsFile;

    public MyProjectsView(ProjectService projects, ProjectQueries queries, AccountService accounts,
                          AuthenticationContext auth) {
        this.projects = projects;
        this.queries = queries;
        this.owner = accounts.byUsername(auth.getPrincipalName().orElseThrow());
        setMaxWidth("64rem");
        add(new H2(getTranslation("my.heading")), wizard(), new H3(getTranslation("my.projects")), grid());
        refresh();
    }

    private VerticalLayout wizard() {
        Upload model = upload("model-upload", ".onnx", file -> {
            modelFile = file;
            showReport(ModelReport.of(read(file)));
        });
        Upload inputs = upload("inputs-upload", ".npy,.npz", file -> {
            inputsFile = file;
            ready();
        });
        Upload labels = upload("labels-upload", ".npy", file -> labelsFile = file);
        // two uploads that looked the same: each says what it takes
        model.setUploadButton(new Button(getTranslation("my.upload.model")));
        model.setDropLabel(new Span(getTranslation("my.upload.model.drop")));
        inputs.setUploadButton(new Button(getTranslation("my.upload.inputs")));
        inputs.setDropLabel(new Span(getTranslation("my.upload.inputs.drop")));
        labels.setUploadButton(new Button(getTranslation("my.upload.labels")));
        labels.setDropLabel(new Span(getTranslation("my.upload.labels.drop")));
        report.setId("model-report");
        launched.setId("project-launched");
        TextField name = new TextField(getTranslation("my.name"));
        name.setId("project-name");
        TextField description = new TextField(getTranslation("my.description"));
        IntegerField perTask = new IntegerField(getTranslation("my.per-task"));
        perTask.setValue(ProjectSettings.defaults().inputsPerTask());
        perTask.setHelperText(getTranslation("my.per-task.helper"));
        IntegerField replication = new IntegerField(getTranslation("my.replication"));
        replication.setValue(ProjectSettings.defaults().replication());
        replication.setHelperText(getTranslation("my.replication.helper"));
        IntegerField quorum = new IntegerField(getTranslation("my.quorum"));
        quorum.setValue(ProjectSettings.defaults().quorum());
        quorum.setHelperText(getTranslation("my.quorum.helper"));
        launch.setId("launch-project");
        launch.addThemeVariants(ButtonVariant.PRIMARY);
        launch.setEnabled(false);
        launch.addClickListener(e -> {
            try (InputStream m = Files.newInputStream(modelFile.toPath());
                 InputStream in = Files.newInputStream(inputsFile.toPath());
                 InputStream l = labelsFile == null ? null : Files.newInputStream(labelsFile.toPath())) {
                Project created = projects.create(new ProjectService.Upload(owner.getId(), name.getValue(),
                        description.getValue(), m, in, l, new ProjectSettings(perTask.getValue(), replication.getValue(),
                        quorum.getValue(), null, null, null, null, null)));
                launched.removeAll();
                launched.add(new Span(getTranslation("my.launched")), new RouterLink(created.getName(), ProjectDetailView.class, created.getId()));
                Notification.show(getTranslation("my.launched.note"));
                refresh();
            } catch (ApiException ex) {
                Notification.show(Translations.error(this, ex));
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        });
        VerticalLayout w = new VerticalLayout(new H3(getTranslation("my.new")),
                new Paragraph(getTranslation("my.step.model")), model, report,
                new Paragraph(getTranslation("my.step.inputs")),
                inputs, labels,
                new Paragraph(getTranslation("my.step.settings")), new FormLayout(name, description, perTask, replication, quorum), launch,
                launched);
        w.setPadding(false);
        return w;
    }

    private Grid<ProjectProgress> grid() {
        grid.setId("my-projects");
        grid.addColumn(ProjectProgress::name).setHeader(getTranslation("projects.project")).setFlexGrow(2);
        grid.addColumn(p -> getTranslation("status." + p.status().name())).setHeader(getTranslation("projects.status"));
        grid.addComponentColumn(p -> new ProgressBar(0, 1, p.progress())).setHeader(getTranslation("projects.progress"));
        grid.addColumn(p -> p.accuracy() == null ? "—" : Formats.percent(p.accuracy(), getLocale()))
                .setHeader(getTranslation("projects.accuracy"));
        grid.setEmptyStateText(getTranslation("my.empty"));
        grid.addComponentColumn(this::actions).setHeader("").setFlexGrow(2);
        grid.setAllRowsVisible(true);
        return grid;
    }

    private HorizontalLayout actions(ProjectProgress p) {
        HorizontalLayout row = new HorizontalLayout();
        if (p.status() == ProjectStatus.RUNNING) {
            row.add(new Button(getTranslation("my.pause"), e -> change(p, ProjectStatus.PAUSED)));
        }
        if (p.status() == ProjectStatus.PAUSED) {
            row.add(new Button(getTranslation("my.resume"), e -> change(p, ProjectStatus.RUNNING)));
        }
        if (p.status() == ProjectStatus.INCOMPLETE) {
            row.add(new Button(getTranslation("my.rerun"), e -> change(p, ProjectStatus.RUNNING)));
        }
        if (p.status() == ProjectStatus.RUNNING || p.status() == ProjectStatus.PAUSED) {
            row.add(new Button(getTranslation("my.cancel"), e -> change(p, ProjectStatus.CANCELLED)));
        }
        Anchor download = new Anchor((DownloadHandler) event -> {
            ProjectQueries.ResultsFile file = queries.results(p.id());
            event.setFileName(file.fileName());
            event.setContentType("application/octet-stream");
            file.writeTo(event.getOutputStream());
        }, getTranslation("my.results"));
        row.add(download);
        return row;
    }

    private void change(ProjectProgress p, ProjectStatus target) {
        try {
            projects.changeStatus(p.id(), owner.getId(), owner.isAdmin(), target);
        } catch (ApiException e) {
            Notification.show(Translations.error(this, e));
        }
        refresh();
    }

    private void refresh() {
        grid.setItems(owner.isAdmin() ? queries.all() : queries.ownedBy(owner.getId()));
    }

    private void showReport(ModelReport r) {
        report.removeAll();
        if (!r.runnable()) {
            r.problems().forEach(p -> report.add(new Paragraph("✗ " + p)));
        } else {
            report.add(new Paragraph(getTranslation("my.report", Formats.integer(r.parameters(), getLocale()),
                            Formats.integer(r.flopsPerItem(), getLocale()), r.opCounts())),
                    new Paragraph(getTranslation("my.report.tensors", r.inputs(), r.outputs())));
        }
        ready();
    }

    @Override
    public String getPageTitle() {
        return getTranslation("title.my-projects");
    }

    private void ready() {
        launch.setEnabled(modelFile != null && inputsFile != null);
    }

    private Upload upload(String id, String type, java.util.function.Consumer<File> done) {
        UI ui = UI.getCurrent();
        Upload upload = new Upload(UploadHandler.toTempFile((meta, file) -> ui.access(() -> done.accept(file))));
        upload.setId(id);
        upload.setAcceptedFileTypes(type);
        upload.setMaxFiles(1);
        return upload;
    }

    private static byte[] read(File file) {
        try {
            return Files.readAllBytes(file.toPath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
