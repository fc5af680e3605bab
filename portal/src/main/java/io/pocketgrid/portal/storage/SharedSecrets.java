package io.pocketgrid.portal.storage;

import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Secrets every instance on one database must agree on ({@code shared_secret}), such as the key that
 * signs lease tokens: the first instance to need one inserts it, every other reads the row that won.
 * Values are never logged.
 */
@Component
public class SharedSecrets {

    private final JdbcTemplate jdbc;

    SharedSecrets(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The secret called {@code name}; when there is none yet, {@code initial} is offered and whichever insert won is returned. */
    public byte[] getOrCreate(String name, Supplier<byte[]> initial) {
        byte[] stored = find(name);
        if (stored != null) {
            return stored;
        }
        try {
            jdbc.update("INSERT INTO shared_secret (name, secret) VALUES (?, ?)", name,
                    Base64.getEncoder().encodeToString(initial.get()));
        } catch (DuplicateKeyException raced) {
            // another instance inserted it first: read theirs below
        }
        stored = find(name);
        if (stored == null) {
            throw new IllegalStateException("the shared secret " + name + " could not be stored");
        }
        return stored;
    }

    private byte[] find(String name) {
        List<String> rows = jdbc.queryForList("SELECT secret FROM shared_secret WHERE name = ?", String.class, name);
        return rows.isEmpty() ? null : Base64.getDecoder().decode(rows.get(0));
    }
}
