package io.pocketgrid.portal.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.shared.Registration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Pushes fresh figures to open views every few seconds (Vaadin server push): a view registers a
 * refresh action while attached; each tick runs it inside its UI's lock.
 */
@Component
class LiveUpdates {

    private final Map<Object, Listener> listeners = new ConcurrentHashMap<>();

    private record Listener(UI ui, Runnable refresh) {
    }

    Registration register(UI ui, Runnable refresh) {
        Object key = new Object();
        listeners.put(key, new Listener(ui, refresh));
        return () -> listeners.remove(key);
    }

    @Scheduled(fixedDelay = 5000, initialDelay = 5000)
    void tick() {
        listeners.values().forEach(l -> {
            if (l.ui().isAttached()) {
                l.ui().access(l.refresh()::run);
            }
        });
    }
}
