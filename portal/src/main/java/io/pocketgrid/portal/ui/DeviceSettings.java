package io.pocketgrid.portal.ui;

import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.dom.Element;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The volunteer's choices for this device: workers, CPU share, when to pause, and whether to keep
 * the screen on while charging. The page script keeps them in this browser; a change goes to it at
 * once and restarts running workers.
 */
class DeviceSettings extends FormLayout {

    private final Element view;
    private final IntegerField workers = new IntegerField(getTranslation("home.workers"));
    private final IntegerField cpuPercent = new IntegerField(getTranslation("home.cpu"));
    private final Checkbox pauseWhenHidden = new Checkbox(getTranslation("home.pause-hidden"));
    private final IntegerField batteryThreshold = new IntegerField(getTranslation("home.battery-below"));
    private final Checkbox onlyWhileCharging = new Checkbox(getTranslation("home.only-charging"));
    private final Checkbox wakeLock = new Checkbox(getTranslation("home.wake-lock"));

    /** @param view the home view's element: the page script reports to it when it restarts the workers */
    DeviceSettings(Element view) {
        this.view = view;
        workers.setId("worker-count");
        workers.setMin(1);
        workers.setMax(32);
        workers.setStepButtonsVisible(true);
        cpuPercent.setId("cpu-percent");
        cpuPercent.setMin(5);
        cpuPercent.setMax(100);
        cpuPercent.setStep(5);
        cpuPercent.setStepButtonsVisible(true);
        pauseWhenHidden.setId("pause-when-hidden");
        batteryThreshold.setId("battery-threshold");
        onlyWhileCharging.setId("only-while-charging");
        batteryThreshold.setMin(0);
        batteryThreshold.setMax(100);
        workers.addValueChangeListener(e -> { if (e.isFromClient()) { configure(); } });
        cpuPercent.addValueChangeListener(e -> { if (e.isFromClient()) { configure(); } });
        pauseWhenHidden.addValueChangeListener(e -> { if (e.isFromClient()) { configure(); } });
        batteryThreshold.addValueChangeListener(e -> { if (e.isFromClient()) { configure(); } });
        onlyWhileCharging.addValueChangeListener(e -> {
            // keeping the screen on is offered only with compute-only-while-charging: never on battery
            wakeLock.setVisible(e.getValue());
            if (e.isFromClient()) {
                configure();
            }
        });
        wakeLock.setId("wake-lock");
        wakeLock.setVisible(false);
        wakeLock.addValueChangeListener(e -> { if (e.isFromClient()) { configure(); } });
        add(workers, cpuPercent, batteryThreshold, pauseWhenHidden, onlyWhileCharging, wakeLock);
        setResponsiveSteps(new ResponsiveStep("0", 2), new ResponsiveStep("36em", 4));
    }

    /** Asks the browser what it can do (cores, battery, wake lock) and shows the settings it keeps. */
    void readFromBrowser() {
        // more workers than cores only slow each other down: the field stops at this device's cores
        view.executeJs("return navigator.hardwareConcurrency || 1").then(Integer.class, cores -> {
            workers.setMax(Math.max(1, Math.min(32, cores)));
            workers.setHelperText(getTranslation("home.workers.helper", workers.getMax(), cores));
            view.executeJs("return window.PocketGrid ? JSON.stringify(window.PocketGrid.settings()) : ''")
                    .then(String.class, this::show);
        });
        view.executeJs("return !!navigator.getBattery").then(Boolean.class, knows -> onlyWhileCharging.setHelperText(
                getTranslation(knows ? "home.only-charging.helper" : "home.only-charging.unknown")));
        view.executeJs("return !!navigator.wakeLock").then(Boolean.class, knows -> wakeLock.setHelperText(
                getTranslation(knows ? "home.wake-lock.helper" : "home.wake-lock.unknown")));
    }

    /** Sends the settings to the page script, which keeps them in this browser and restarts its workers. */
    private void configure() {
        String json = String.format(Locale.ROOT, "{\"workers\":%d,\"cpuPercent\":%d,\"pauseWhenHidden\":%b,"
                        + "\"pauseOnBatteryBelow\":%d,\"onlyWhileCharging\":%b,\"wakeLockWhileCharging\":%b}",
                clamp(workers.getValue(), 1, workers.getMax(), 1), clamp(cpuPercent.getValue(), 5, 100, 100),
                pauseWhenHidden.getValue(), clamp(batteryThreshold.getValue(), 0, 100, 20), onlyWhileCharging.getValue(),
                wakeLock.getValue());
        view.executeJs("window.PocketGrid.configure($0, JSON.parse($1))", view, json);
    }

    private static int clamp(Integer value, int min, int max, int fallback) {
        return value == null ? fallback : Math.max(min, Math.min(max, value));
    }

    private void show(String json) {
        if (json == null || json.isEmpty()) {
            return;
        }
        JsonNode s = JsonMapper.builder().build().readTree(json);
        workers.setValue(Math.min(workers.getMax(), s.path("workers").asInt(1)));
        cpuPercent.setValue(s.path("cpuPercent").asInt(100));
        pauseWhenHidden.setValue(s.path("pauseWhenHidden").asBoolean(true));
        batteryThreshold.setValue(s.path("pauseOnBatteryBelow").asInt(20));
        onlyWhileCharging.setValue(s.path("onlyWhileCharging").asBoolean(false));
        wakeLock.setValue(s.path("wakeLockWhileCharging").asBoolean(false));
    }
}
