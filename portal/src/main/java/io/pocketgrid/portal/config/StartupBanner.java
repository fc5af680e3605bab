package io.pocketgrid.portal.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Tells whoever started the portal where to open it. */
@Component
class StartupBanner {

    private static final Logger log = LoggerFactory.getLogger(StartupBanner.class);

    @EventListener
    void ready(ApplicationReadyEvent event) {
        if (event.getApplicationContext() instanceof WebServerApplicationContext web) {
            log.info("PocketGrid is running at http://localhost:{}/ (data in {})", web.getWebServer().getPort(),
                    event.getApplicationContext().getEnvironment().getProperty("pocketgrid.data-dir"));
        }
    }
}
