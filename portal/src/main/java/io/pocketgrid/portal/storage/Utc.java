package io.pocketgrid.portal.storage;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Instants as the database columns take them: {@code TIMESTAMP WITH TIME ZONE} values in UTC, the
 * same on H2 and PostgreSQL whatever the JVM's or the server's time zone. Every SQL parameter of a
 * time goes through here; the instant itself comes from the injected {@link java.time.Clock}.
 */
public final class Utc {

    private Utc() {
    }

    /** The instant as a UTC timestamp parameter; null stays null. */
    public static OffsetDateTime at(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
