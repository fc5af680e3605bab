package io.pocketgrid.portal.account;

import io.pocketgrid.portal.storage.Utc;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The SQL of the {@code team} and {@code api_token} tables (the {@code account} table is the JPA entity's);
 * this package owns all three, other features go through {@link AccountService}.
 */
@Repository
class AccountRows {

    private final JdbcTemplate jdbc;

    AccountRows(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The team of this name (case-insensitive), made if there is none. */
    long team(String name, Instant now) {
        List<Long> ids = jdbc.queryForList("SELECT id FROM team WHERE LOWER(name) = LOWER(?)", Long.class, name);
        if (ids.isEmpty()) {
            jdbc.update("INSERT INTO team (name, created_at) VALUES (?, ?)", name, Utc.at(now));
            ids = jdbc.queryForList("SELECT id FROM team WHERE LOWER(name) = LOWER(?)", Long.class, name);
        }
        return ids.get(0);
    }

    String teamName(long teamId) {
        return jdbc.queryForObject("SELECT name FROM team WHERE id = ?", String.class, teamId);
    }

    List<AccountService.TokenInfo> tokens(long accountId) {
        return jdbc.query("SELECT id, name, created_at FROM api_token WHERE account_id = ? AND revoked = FALSE ORDER BY id",
                (rs, i) -> new AccountService.TokenInfo(rs.getLong(1), rs.getString(2),
                        rs.getObject(3, OffsetDateTime.class).toInstant()), accountId);
    }

    void insertToken(long accountId, String tokenSha256, String name, Instant now) {
        jdbc.update("INSERT INTO api_token (account_id, token_sha256, name, created_at) VALUES (?, ?, ?, ?)",
                accountId, tokenSha256, name, Utc.at(now));
    }

    void revokeToken(long accountId, long tokenId) {
        jdbc.update("UPDATE api_token SET revoked = TRUE WHERE id = ? AND account_id = ?", tokenId, accountId);
    }

    Optional<Long> accountOfToken(String tokenSha256) {
        return jdbc.queryForList("SELECT account_id FROM api_token WHERE token_sha256 = ? AND revoked = FALSE",
                Long.class, tokenSha256).stream().findFirst();
    }
}
