package io.pocketgrid.portal.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.ClientCallable;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import com.vaadin.flow.shared.Registration;
import io.pocketgrid.portal.project.ProjectQueries;
import io.pocketgrid.portal.stats.GlobalStats;
import io.pocketgrid.portal.volunteer.VolunteerService;
import io.pocketgrid.portal.work.WorkProperties;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The public home page: what PocketGrid is, live figures, consent, and the contribute panel. The
 * work itself runs in a Web Worker started by {@code /worker/contribute.js}; the page script
 * reports back through the {@link ClientCallable} methods. Nothing runs before the visitor
 * accepts, and withdrawing consent stops the worker at once.
 */
@AnonymousAllowed
@Route(value = "", layout = MainLayout.class)
public class HomeView extends VerticalLayout implements HasDynamicTitle {

    private static final String CONSENT_KEY = "pocketgrid.consent";
    /**
     * Where this browser keeps its volunteer identity ({@code {volunteerId, token}}) in localStorage; the
     * page script {@code /worker/contribute.js} writes it under the same name, the ledger and account
     * views read it.
     */
    static final String IDENTITY_KEY = "pocketgrid.volunteer";

    private final GlobalStats stats;
    private final VolunteerService volunteers;
    private final LiveUpdates live;

    private final Div consent = new Div();
    private final Button accept = new Button(getTranslation("home.consent.accept"));
    private final Button withdraw = new Button(getTranslation("home.consent.withdraw"));
    private final Button start = new Button(getTranslation("home.start"));
    private final Button stop = new Button(getTranslation("home.stop"));
    private final Span tasksCompleted = new Span("0");
    private final Span state = new Span(getTranslation("worker.stopped"));
    private final Span deviceSpeed = new Span(getTranslation("home.speed.unknown"));
    private final Span credit = new Span("0");
    private final Span online = new Span();
    private final Span rate = new Span();
    private final Span validatedToday = new Span();
    private final Span totalCredit = new Span();
    private final ActivityPanel activity;
    private final DeviceSettings settings = new DeviceSettings(getElement());
    private String volunteerId;
    private Registration liveRegistration;

    public HomeView(GlobalStats stats, VolunteerService volunteers, LiveUpdates live, ProjectQueries projects,
                    WorkProperties work) {
        this.stats = stats;
        this.volunteers = volunteers;
        this.live = live;
        this.activity = new ActivityPanel(projects, work.leaseDuration());
        setMaxWidth("52rem");
        add(new H2(getTranslation("home.heading")), new Paragraph(getTranslation("home.intro")), figures());
        consent.setId("consent");
        consent.add(new Paragraph(getTranslation("home.consent.text")), accept);
        accept.setId("consent-accept");
        accept.addThemeVariants(ButtonVariant.PRIMARY);
        accept.addClickListener(e -> {
            getElement().executeJs("localStorage.setItem($0, 'yes')", CONSENT_KEY);
            consented(true);
        });
        withdraw.setId("consent-withdraw");
        withdraw.addThemeVariants(ButtonVariant.TERTIARY);
        withdraw.addClickListener(e -> {
            getElement().executeJs("window.PocketGrid.stop($0); localStorage.removeItem($1)", getElement(), CONSENT_KEY);
            running(false);
            consented(false);
        });
        start.setId("start-contributing");
        start.addThemeVariants(ButtonVariant.PRIMARY);
        start.setEnabled(false);
        stop.setId("stop-contributing");
        stop.setEnabled(false);
        tasksCompleted.setId("tasks-completed");
        state.setId("worker-state");
        deviceSpeed.setId("device-speed");
        credit.setId("credit-earned");
        start.addClickListener(e -> startContributing());
        stop.addClickListener(e -> {
            running(false);
            getElement().executeJs("window.PocketGrid.stop($0)", getElement());
        });
        add(consent, panel());
    }

    private Div panel() {
        Div panel = new Div();
        panel.setId("contribute-panel");
        panel.setWidthFull();
        HorizontalLayout controls = new HorizontalLayout(start, stop, withdraw);
        controls.setWrap(true);
        panel.add(new H2(getTranslation("home.device")), controls, settings,
                line(getTranslation("home.tasks-completed"), tasksCompleted),
                line(getTranslation("home.credit"), credit),
                line(getTranslation("home.speed"), deviceSpeed),
                line(getTranslation("home.state"), state), activity);
        return panel;
    }

    private FlexLayout figures() {
        FlexLayout row = new FlexLayout(figure(getTranslation("home.figure.online"), online),
                figure(getTranslation("home.figure.rate"), rate),
                figure(getTranslation("home.figure.validated-today"), validatedToday),
                figure(getTranslation("home.figure.total-credit"), totalCredit));
        row.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        row.getStyle().set("gap", "var(--lumo-space-l)");
        online.setId("volunteers-online");
        rate.setId("inferences-per-second");
        validatedToday.setId("tasks-validated-today");
        totalCredit.setId("total-credit");
        return row;
    }

    private static Div figure(String label, Span value) {
        value.getStyle().set("font-size", "var(--lumo-font-size-xl)").set("font-weight", "600");
        Div d = new Div(value, new Div(label));
        d.getStyle().set("min-width", "9rem");
        return d;
    }

    private static Paragraph line(String label, Span value) {
        return new Paragraph(new Span(label), value);
    }

    private void consented(boolean yes) {
        consent.setVisible(!yes);
        withdraw.setVisible(yes);
        start.setEnabled(yes && !stop.isEnabled());
    }

    private void startContributing() {
        running(true);
        getElement().executeJs("window.PocketGrid.start($0)", getElement());
    }

    private void running(boolean yes) {
        start.setEnabled(!yes);
        stop.setEnabled(yes);
    }

    private void refresh() {
        refreshCredit();
        GlobalStats.Figures f = stats.now();
        Locale locale = getLocale();
        online.setText(Formats.integer(f.volunteersOnline(), locale));
        rate.setText(Formats.decimal(f.inferencesPerSecond(), 1, locale));
        validatedToday.setText(Formats.integer(f.tasksValidatedToday(), locale));
        totalCredit.setText(Formats.decimal(f.totalCredits(), 3, locale));
    }

    private void refreshCredit() {
        if (volunteerId != null) {
            // say why credit can stay at zero while tasks complete: each waits for a second volunteer
            volunteers.figuresByPublicId(volunteerId).ifPresent(v -> credit.setText(Formats.decimal(v.credits(), 6, getLocale())
                    + (v.resultsPending() == 0 ? "" : " " + getTranslation("home.credit.pending", v.resultsPending()))));
        }
    }

    @Override
    public String getPageTitle() {
        return getTranslation("title.home");
    }

    /** The page script's words in this page's language, as patterns with {0} where it puts a value. */
    private String workerMessages() {
        tools.jackson.databind.node.ObjectNode m = JsonMapper.builder().build().createObjectNode();
        for (String key : WORKER_MESSAGES) {
            m.put(key, getTranslation("worker." + key, "{0}"));
        }
        return m.toString();
    }

    static final String[] WORKER_MESSAGES = {"stopped", "starting", "offline", "offline-retrying", "paused",
        "running", "wasm", "js", "idle", "gave-back", "retrying", "banner", "tab-hidden", "not-charging", "battery-low"};

    @Override
    protected void onAttach(AttachEvent event) {
        // before the page script's first word: it reads them whenever it reports a state
        getElement().executeJs("window.PocketGridMessages = JSON.parse($0)", workerMessages());
        event.getUI().getPage().addJavaScript("context://worker/leases.js");
        event.getUI().getPage().addJavaScript("context://worker/contribute.js");
        // a page reloaded while it contributed (by hand, or by Vaadin after a server restart) goes on
        getElement().executeJs("return localStorage.getItem($0) !== 'yes' ? 'no'"
                + " : window.PocketGrid && window.PocketGrid.wasRunning() ? 'running' : 'yes'", CONSENT_KEY)
                .then(String.class, consent -> {
                    consented(!consent.equals("no"));
                    if (consent.equals("running")) {
                        startContributing();
                    }
                });
        getElement().executeJs("return window.PocketGrid ? window.PocketGrid.completedSoFar() : 0")
                .then(Integer.class, this::tasksCompleted);
        getElement().executeJs("return window.PocketGrid ? window.PocketGrid.session() : ''").then(String.class, activity::session);
        readIdentity();
        settings.readFromBrowser();
        refresh();
        liveRegistration = live.register(event.getUI(), this::refresh);
    }

    @Override
    protected void onDetach(DetachEvent event) {
        if (liveRegistration != null) {
            liveRegistration.remove();
        }
    }

    private void readIdentity() {
        getElement().executeJs("return localStorage.getItem($0) || ''", IDENTITY_KEY).then(String.class, json -> {
            if (json != null && !json.isEmpty()) {
                JsonNode node = JsonMapper.builder().build().readTree(json);
                volunteerId = node.path("volunteerId").asString(null);
            }
        });
    }

    @ClientCallable
    void tasksCompleted(int count) {
        tasksCompleted.setText(Integer.toString(count));
        if (volunteerId == null) {
            readIdentity();
        }
        refreshCredit();
    }

    /** The start-up benchmark of the running workers: their GFLOP/s summed, and how many there are. */
    @ClientCallable
    void deviceSpeed(double gflops, int workerCount) {
        if (!Double.isFinite(gflops) || gflops <= 0 || workerCount <= 0) {
            return;
        }
        deviceSpeed.setText(getTranslation("home.speed.value", Formats.decimal(gflops, 1, getLocale()), workerCount));
    }

    /** The worker leased a task of a project it did not work on just before. */
    @ClientCallable
    void working(long taskId) {
        activity.working(taskId);
    }

    /** The server has no task for this browser (true), or has again (false). */
    @ClientCallable
    void noWork(boolean yes) {
        activity.noWork(yes);
    }

    /** This session's downloads and completed tasks per minute, as the page script counts them. */
    @ClientCallable
    void session(String json) {
        activity.session(json);
    }

    @ClientCallable
    void stateChanged(String text) {
        state.setText(text == null ? "" : text.substring(0, Math.min(text.length(), 200)));
    }
}
