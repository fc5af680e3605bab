package io.pocketgrid.portal.account;

import io.pocketgrid.portal.api.ApiException.Kind;
import io.pocketgrid.portal.api.ApiException;
import io.pocketgrid.portal.storage.BlobStore;
import io.pocketgrid.portal.volunteer.VolunteerService;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
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
    private final AccountRows rows;
    private final VolunteerService volunteers;
    private final PasswordEncoder passwords;
    private final Clock clock;
    private final SignInThrottle throttle;
    private final String dummyHash;

    AccountService(AccountRepository accounts, AccountRows rows, PasswordEncoder passwords, Clock clock,
                   SignInThrottle throttle, VolunteerService volunteers) {
        this.volunteers = volunteers;
        this.throttle = throttle;
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        this.dummyHash = passwords.encode(Base64.getEncoder().encodeToString(random));
        this.accounts = accounts;
        this.passwords = passwords;
        this.rows = rows;
        this.clock = clock;
    }

    /**
     * Signs up a new owner. Never an admin: admin rights come from the operator
     * ({@link #grantRole} at start-up for {@code pocketgrid.admin-usernames}) or from another admin, so
     * whoever signs up first under an admin's name gains nothing.
     */
    @Transactional
    public Account signUp(String username, String password, String email) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw ApiException.badRequest("BAD_USERNAME", "a username has 3–50 letters, digits, '.', '_' or '-'");
        }
        PasswordRules.problem(username, password).ifPresent(problem -> {
            throw ApiException.badRequest("BAD_PASSWORD", problem);
        });
        if (email != null && (email.length() > 200 || !email.contains("@"))) {
            throw ApiException.badRequest("BAD_EMAIL", "the email address is malformed");
        }
        if (accounts.existsByUsernameIgnoreCase(username)) {
            throw new ApiException(Kind.CONFLICT, "USERNAME_TAKEN", "the username " + username + " is taken");
        }
        return accounts.save(new Account(username, passwords.encode(password), email, Role.OWNER, clock.instant()));
    }

    /**
     * Gives an existing account a role (404 UNKNOWN_ACCOUNT when there is none of that name): what
     * the operator does for {@code pocketgrid.admin-usernames} at start-up, and an admin through the
     * API. An admin cannot take their own admin role away, so a portal always keeps the one it has.
     */
    @Transactional
    public Account grantRole(String username, Role role, Account by) {
        Account account = accounts.findByUsernameIgnoreCase(username == null ? "" : username).orElseThrow(() ->
                new ApiException(Kind.NOT_FOUND, "UNKNOWN_ACCOUNT", "there is no account named " + username));
        if (by != null && by.getId().equals(account.getId()) && role != Role.ADMIN) {
            throw new ApiException(Kind.CONFLICT, "OWN_ROLE", "an admin cannot take their own admin role away");
        }
        account.setRole(role);
        return account;
    }

    /**
     * The account with these credentials, or 401 BAD_CREDENTIALS: the same answer, after the same
     * BCrypt work, for an unknown name and a wrong password. Failures are throttled per username and
     * per client address ({@link SignInThrottle}): while locked, 429 RATE_LIMITED, the password unread.
     * Both sign-ins, the API's and the UI's, come through here.
     */
    @Transactional(readOnly = true)
    public Account signIn(String username, String password, String clientAddress) {
        throttle.check(username, clientAddress);
        Account account = username == null || username.length() > 100 ? null
                : accounts.findByUsernameIgnoreCase(username).orElse(null);
        String candidate = password == null ? "" : password;
        // an unknown name costs the same hash as a known one, so timing does not tell which names exist
        boolean matches = passwords.matches(candidate, account == null ? dummyHash : account.getPasswordHash());
        if (account == null || password == null || !matches) {
            throttle.failed(username, clientAddress);
            throw new ApiException(Kind.UNAUTHENTICATED, "BAD_CREDENTIALS", "unknown username or wrong password");
        }
        throttle.succeeded(username, clientAddress);
        return account;
    }

    @Transactional(readOnly = true)
    public Account byUsername(String username) {
        return accounts.findByUsernameIgnoreCase(username).orElseThrow();
    }

    /** Changes what others see of an account: display name, team, payout address (0x… or empty). */
    @Transactional
    public Account updateProfile(long accountId, String displayName, String teamName, String payoutAddress) {
        Account a = accounts.findById(accountId).orElseThrow();
        String name = displayName == null ? "" : displayName.strip();
        if (name.isEmpty() || name.length() > 100) {
            throw ApiException.badRequest("BAD_NAME", "a display name has 1–100 characters");
        }
        String payout = payoutAddress == null || payoutAddress.isBlank() ? null : payoutAddress.strip();
        if (payout != null && !payout.matches("0x[0-9a-fA-F]{40}")) {
            throw ApiException.badRequest("BAD_ADDRESS", "a payout address is 0x followed by 40 hex digits");
        }
        Long teamId = null;
        if (teamName != null && !teamName.isBlank()) {
            String team = teamName.strip();
            if (team.length() > 100) {
                throw ApiException.badRequest("BAD_TEAM", "a team name has at most 100 characters");
            }
            teamId = rows.team(team, clock.instant());
        }
        a.updateProfile(name, teamId, payout);
        return a;
    }

    /** Keeps the portal language a person chose ("de", "en"; null to follow the browser). */
    @Transactional
    public void changeLocale(long accountId, String languageTag) {
        if (languageTag != null && !languageTag.matches("[a-z]{2}")) {
            throw ApiException.badRequest("BAD_LOCALE", "a language is two lower-case letters, such as de or en");
        }
        accounts.findById(accountId).orElseThrow().setLocale(languageTag);
    }

    /** The team name of an account, if it has joined one. */
    @Transactional(readOnly = true)
    public String teamName(Account account) {
        return account.getTeamId() == null ? "" : rows.teamName(account.getTeamId());
    }

    /**
     * Moves an anonymous browser's credit into an account: the browser proves it is that volunteer
     * with its own token. A volunteer can be claimed once.
     */
    @Transactional
    public boolean claimVolunteer(long accountId, String volunteerToken) {
        return volunteers.linkToAccount(accountId, volunteerToken);
    }

    /** A token as listed to its owner (never the token itself). */
    public record TokenInfo(long id, String name, java.time.Instant createdAt) {
    }

    @Transactional(readOnly = true)
    public List<TokenInfo> tokens(long accountId) {
        return rows.tokens(accountId);
    }

    /** Creates a personal API token for scripts; the token is returned once. */
    @Transactional
    public String createToken(long accountId, String name) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        rows.insertToken(accountId, hash(token), name == null || name.isBlank() ? "api token" : name.strip(),
                clock.instant());
        return token;
    }

    @Transactional
    public void revokeToken(long accountId, long tokenId) {
        rows.revokeToken(accountId, tokenId);
    }

    /** The account behind {@code Authorization: Bearer pgo_…}, or 401. */
    @Transactional(readOnly = true)
    public Account authenticate(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer " + TOKEN_PREFIX) || authorization.length() > 200) {
            throw new ApiException(Kind.UNAUTHENTICATED, "UNAUTHORIZED", "an owner API token is required");
        }
        long accountId = rows.accountOfToken(hash(authorization.substring(7).trim())).orElseThrow(
                () -> new ApiException(Kind.UNAUTHENTICATED, "UNAUTHORIZED", "unknown or revoked API token"));
        return accounts.findById(accountId).orElseThrow();
    }

    private static String hash(String token) {
        return BlobStore.sha256Hex(token.getBytes(StandardCharsets.UTF_8));
    }
}
