package io.pocketgrid.portal.account;

import io.pocketgrid.portal.api.ApiException;
import io.pocketgrid.portal.storage.BlobStore;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Accounts and their API tokens. Passwords are kept as BCrypt hashes; an API token is shown once
 * and only its SHA-256 is stored, so a leaked database does not leak working tokens.
 */
@Service
public class AccountService {

    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9_.-]{3,50}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String TOKEN_PREFIX = "pgo_";

    private final AccountRepository accounts;
    private final JdbcTemplate jdbc;
    private final PasswordEncoder passwords = new BCryptPasswordEncoder();
    private final Clock clock;

    AccountService(AccountRepository accounts, JdbcTemplate jdbc, Clock clock) {
        this.accounts = accounts;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Signs up a new owner. The first account of a portal becomes its admin. */
    @Transactional
    public Account signUp(String username, String password, String email) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw ApiException.badRequest("BAD_USERNAME", "a username has 3–50 letters, digits, '.', '_' or '-'");
        }
        if (password == null || password.length() < 8 || password.length() > 200) {
            throw ApiException.badRequest("BAD_PASSWORD", "a password has 8–200 characters");
        }
        if (email != null && (email.length() > 200 || !email.contains("@"))) {
            throw ApiException.badRequest("BAD_EMAIL", "the email address is malformed");
        }
        if (accounts.existsByUsernameIgnoreCase(username)) {
            throw new ApiException(HttpStatus.CONFLICT, "USERNAME_TAKEN", "the username " + username + " is taken");
        }
        Role role = accounts.count() == 0 ? Role.ADMIN : Role.OWNER;
        return accounts.save(new Account(username, passwords.encode(password), email, role, clock.instant()));
    }

    /** The account with these credentials, or 401 (the same answer for an unknown name and a wrong password). */
    @Transactional(readOnly = true)
    public Account signIn(String username, String password) {
        Account account = username == null ? null : accounts.findByUsernameIgnoreCase(username).orElse(null);
        if (account == null || password == null || !passwords.matches(password, account.getPasswordHash())) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "BAD_CREDENTIALS", "unknown username or wrong password");
        }
        return account;
    }

    /** Creates a personal API token for scripts; the token is returned once. */
    @Transactional
    public String createToken(long accountId, String name) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        jdbc.update("INSERT INTO api_token (account_id, token_sha256, name, created_at) VALUES (?, ?, ?, ?)",
                accountId, hash(token), name == null || name.isBlank() ? "api token" : name.strip(),
                clock.instant().atOffset(ZoneOffset.UTC));
        return token;
    }

    @Transactional
    public void revokeToken(long accountId, long tokenId) {
        jdbc.update("UPDATE api_token SET revoked = TRUE WHERE id = ? AND account_id = ?", tokenId, accountId);
    }

    /** The account behind {@code Authorization: Bearer pgo_…}, or 401. */
    @Transactional(readOnly = true)
    public Account authenticate(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer " + TOKEN_PREFIX) || authorization.length() > 200) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "UNAUTHORIZED", "an owner API token is required");
        }
        List<Long> ids = jdbc.queryForList("SELECT account_id FROM api_token WHERE token_sha256 = ? AND revoked = FALSE",
                Long.class, hash(authorization.substring(7).trim()));
        if (ids.isEmpty()) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "UNAUTHORIZED", "unknown or revoked API token");
        }
        return accounts.findById(ids.get(0)).orElseThrow();
    }

    private static String hash(String token) {
        return BlobStore.sha256Hex(token.getBytes(StandardCharsets.UTF_8));
    }
}
