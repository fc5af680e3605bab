package io.pocketgrid.portal.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import com.vaadin.flow.shared.Registration;
import io.pocketgrid.portal.leaderboard.LeaderboardService;
import io.pocketgrid.portal.leaderboard.Standing;

/** Volunteers and teams ranked by validated credit, in total or over 24 hours, pushed live. */
@AnonymousAllowed
@Route(value = "leaderboard", layout = MainLayout.class)
public class LeaderboardView extends VerticalLayout implements HasDynamicTitle {

    private final LeaderboardService leaderboard;
    private final LiveUpdates live;
    private final Grid<Standing> grid = new Grid<>();
    private final RadioButtonGroup<LeaderboardService.By> by = new RadioButtonGroup<>();
    private final RadioButtonGroup<LeaderboardService.Period> period = new RadioButtonGroup<>();
    private Registration registration;

    public LeaderboardView(LeaderboardService leaderboard, LiveUpdates live) {
        this.leaderboard = leaderboard;
        this.live = live;
        by.setItems(LeaderboardService.By.values());
        by.setItemLabelGenerator(b -> getTranslation(b == LeaderboardService.By.VOLUNTEER ? "leaderboard.volunteers" : "leaderboard.teams"));
        by.setValue(LeaderboardService.By.VOLUNTEER);
        period.setItems(LeaderboardService.Period.values());
        period.setItemLabelGenerator(p -> getTranslation(p == LeaderboardService.Period.TOTAL ? "leaderboard.total" : "leaderboard.day"));
        period.setValue(LeaderboardService.Period.TOTAL);
        by.addValueChangeListener(e -> refresh());
        period.addValueChangeListener(e -> refresh());
        grid.setId("leaderboard");
        grid.addColumn(Standing::rank).setHeader("#").setWidth("4rem").setFlexGrow(0);
        grid.addColumn(Standing::name).setHeader(getTranslation("leaderboard.name")).setFlexGrow(2);
        grid.addColumn(s -> Formats.decimal(s.credits(), 6, getLocale())).setHeader(getTranslation("leaderboard.credit"));
        grid.setEmptyStateText(getTranslation("leaderboard.empty"));
        HorizontalLayout filters = new HorizontalLayout(by, period);
        filters.setWrap(true);
        add(new H2(getTranslation("leaderboard.heading")), filters, grid);
        setSizeFull();
    }

    @Override
    public String getPageTitle() {
        return getTranslation("title.leaderboard");
    }

    private void refresh() {
        grid.setItems(leaderboard.standings(by.getValue(), period.getValue(), 100));
    }

    @Override
    protected void onAttach(AttachEvent event) {
        refresh();
        registration = live.register(event.getUI(), this::refresh);
    }

    @Override
    protected void onDetach(DetachEvent event) {
        registration.remove();
    }
}
