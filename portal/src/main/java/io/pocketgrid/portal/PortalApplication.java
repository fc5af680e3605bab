package io.pocketgrid.portal;

import com.vaadin.flow.component.dependency.StyleSheet;
import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.server.AppShellSettings;
import com.vaadin.flow.component.page.Push;
import com.vaadin.flow.component.page.Viewport;
import com.vaadin.flow.theme.lumo.Lumo;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** PocketGrid's portal: worker REST API, projects, validation, credit, ledger and the Vaadin UI. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
@Push
@StyleSheet(Lumo.STYLESHEET)
@Viewport("width=device-width, initial-scale=1")
public class PortalApplication implements AppShellConfigurator {

    /**
     * The tab icon on every page (browsers that ask for /favicon.ico find it too), and the web app
     * manifest with its icons, so a phone can put the portal on its home screen.
     */
    @Override
    public void configurePage(AppShellSettings settings) {
        settings.addFavIcon("icon", "/icons/icon-32.png", "32x32");
        settings.addLink("manifest", "/manifest.webmanifest");
        settings.addLink("apple-touch-icon", "/icons/icon-192.png");
        settings.addMetaTag("theme-color", "#1f6f5c");
    }

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        SpringApplication.run(PortalApplication.class, args);
    }
}
