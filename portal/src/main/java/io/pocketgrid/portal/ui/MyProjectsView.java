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
import com.vaadin.flow.router.PageTitle;
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
import java.util.Locale;

/**
 * The owner area: a create-project wizard (model → check report → inputs and labels → settings →
 * launch) and the owner's projects with progress, pause/resume/cancel and result download.
 */
@RolesAllowed("OWNER")
@Route(value = "my/projects", layout = MainLayout.class)
@PageTitle("My projects — PocketGrid")
public class MyProjectsView extends VerticalLayout {

    private final ProjectService projects;
    private final ProjectQueries queries;
    private final Account owner;
    private final Grid<ProjectProgress> grid = new Grid<>();
    private final Div report = new Div();
    private final Button launch = new Button("Launch project");
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
        add(new H2("My projects"), wizard(), new H3("Projects"), grid());
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
        inputs.setUploadButton(new Button("Upload inputs (.npy or .npz)…"));
        inputs.setDropLabel(new Span("or drop the inputs file here"));
        labels.setUploadButton(new Button("Upload labels (.npy, optional)…"));
        labels.setDropLabel(new Span("or drop the labels file here"));
        report.setId("model-report");
        launched.setId("project-launched");
        TextField name = new TextField("Name");
        name.setId("project-name");
        TextField description = new TextField("Description");
        IntegerField perTask = new IntegerField("Inputs per task");
        perTask.setValue(ProjectSettings.defaults().inputsPerTask());
        perTask.setHelperText("items in one task; a task should take a device about a minute or less");
        IntegerField replication = new IntegerField("Replication");
        replication.setValue(ProjectSettings.defaults().replication());
        replication.setHelperText("how many volunteers compute each task");
        IntegerField quorum = new IntegerField("Quorum");
        quorum.setValue(ProjectSettings.defaults().quorum());
        quorum.setHelperText("how many of them must agree before a result is accepted and credited");
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
                launched.add(new Span("Launched: "), new RouterLink(created.getName(), ProjectDetailView.class, created.getId()));
                Notification.show("Project launched");
                refresh();
            } catch (ApiException ex) {
                Notification.show(ex.getMessage());
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        });
        VerticalLayout w = new VerticalLayout(new H3("New project"),
                new Paragraph("1. The ONNX model"), model, report,
                new Paragraph("2. Inputs: an .npy for a model with one input, or an .npz with one array per input"
                        + " name (first axis = item, each input's dtype as the model declares); optionally labels"
                        + " (.npy of integer classes, for the accuracy)"),
                inputs, labels,
                new Paragraph("3. Settings"), new FormLayout(name, description, perTask, replication, quorum), launch,
                launched);
        w.setPadding(false);
        return w;
    }

    private Grid<ProjectProgress> grid() {
        grid.setId("my-projects");
        grid.addColumn(ProjectProgress::name).setHeader("Project").setFlexGrow(2);
        grid.addColumn(p -> p.status().name()).setHeader("Status");
        grid.addComponentColumn(p -> new ProgressBar(0, 1, p.progress())).setHeader("Progress");
        grid.addColumn(p -> p.accuracy() == null ? "—" : String.format(Locale.ROOT, "%.1f %%", 100 * p.accuracy()))
                .setHeader("Accuracy");
        grid.addComponentColumn(this::actions).setHeader("").setFlexGrow(2);
        grid.setAllRowsVisible(true);
        return grid;
    }

    private HorizontalLayout actions(ProjectProgress p) {
        HorizontalLayout row = new HorizontalLayout();
        if (p.status() == ProjectStatus.RUNNING) {
            row.add(new Button("Pause", e -> change(p, ProjectStatus.PAUSED)));
        }
        if (p.status() == ProjectStatus.PAUSED) {
            row.add(new Button("Resume", e -> change(p, ProjectStatus.RUNNING)));
        }
        if (p.status() == ProjectStatus.INCOMPLETE) {
            row.add(new Button("Run failed tasks again", e -> change(p, ProjectStatus.RUNNING)));
        }
        if (p.status() == ProjectStatus.RUNNING || p.status() == ProjectStatus.PAUSED) {
            row.add(new Button("Cancel", e -> change(p, ProjectStatus.CANCELLED)));
        }
        Anchor download = new Anchor((DownloadHandler) event -> {
            ProjectQueries.ResultsFile file = queries.results(p.id());
            event.setFileName(file.fileName());
            event.setContentType("application/octet-stream");
            file.writeTo(event.getOutputStream());
        }, "Results .npy");
        row.add(download);
        return row;
    }

    private void change(ProjectProgress p, ProjectStatus target) {
        try {
            projects.changeStatus(p.id(), owner.getId(), owner.isAdmin(), target);
        } catch (ApiException e) {
            Notification.show(e.getMessage());
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
            report.add(new Paragraph(String.format(Locale.ROOT, "✓ %,d parameters · %,d FLOPs per item · ops %s",
                            r.parameters(), r.flopsPerItem(), r.opCounts())),
                    new Paragraph("inputs " + r.inputs() + " · outputs " + r.outputs()));
        }
        ready();
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
