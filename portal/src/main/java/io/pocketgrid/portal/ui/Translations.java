package io.pocketgrid.portal.ui;

import com.vaadin.flow.i18n.I18NProvider;
import java.text.MessageFormat;
import java.util.List;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import org.springframework.stereotype.Component;

/**
 * The portal's words in English (the default) and German, from {@code i18n/messages*.properties}
 * (UTF-8, as {@link java.util.PropertyResourceBundle} reads them since Java 9). A Spring bean, so
 * Vaadin's {@code SpringInstantiator} takes it instead of its {@code DefaultI18NProvider}; ours
 * lists English first (a browser asking for neither language gets English, whatever the server's
 * own locale) and never falls back to the JVM's default locale. Every message is a
 * {@link MessageFormat} pattern: a literal apostrophe is written {@code ''}.
 */
@Component
public class Translations implements I18NProvider {

    static final String BUNDLE = "i18n/messages";
    static final List<Locale> LOCALES = List.of(Locale.ENGLISH, Locale.GERMAN);
    private static final ResourceBundle.Control NO_FALLBACK =
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

    @Override
    public List<Locale> getProvidedLocales() {
        return LOCALES;
    }

    @Override
    public String getTranslation(String key, Locale locale, Object... params) {
        String pattern = pattern(key, locale);
        if (pattern == null) {
            return "!" + key + "!";
        }
        return new MessageFormat(pattern, supported(locale)).format(params);
    }

    /** Whether a key exists (the English bundle is the base of every language). */
    static boolean has(String key) {
        return pattern(key, Locale.ENGLISH) != null;
    }

    /**
     * What a view shows for a refused call: the service's message in English (it names the value
     * at fault), else the error code's words in the page's language where the bundles have them
     * ({@code error.BAD_NAME}; {@code {0}} in them is the English message, for the details a code
     * alone cannot give), else the English message.
     */
    static String error(com.vaadin.flow.component.Component view, io.pocketgrid.portal.api.ApiException e) {
        String key = "error." + e.code();
        com.vaadin.flow.component.UI ui = com.vaadin.flow.component.UI.getCurrent();
        return ui == null || supported(ui.getLocale()).equals(Locale.ENGLISH) || !has(key) ? e.getMessage()
                : view.getTranslation(key, e.getMessage());
    }

    /** The language of ours closest to {@code locale}: German for any German, English for the rest. */
    static Locale supported(Locale locale) {
        return locale != null && locale.getLanguage().equals("de") ? Locale.GERMAN : Locale.ENGLISH;
    }

    private static String pattern(String key, Locale locale) {
        try {
            return ResourceBundle.getBundle(BUNDLE, supported(locale), Translations.class.getClassLoader(), NO_FALLBACK)
                    .getString(key);
        } catch (MissingResourceException e) {
            return null;
        }
    }
}
