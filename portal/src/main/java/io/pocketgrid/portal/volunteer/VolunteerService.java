package io.pocketgrid.portal.volunteer;

import io.pocketgrid.portal.api.ApiException.Kind;
import io.pocketgrid.portal.api.ApiException;
import io.pocketgrid.portal.api.LimitsProperties;
import io.pocketgrid.portal.api.RateLimitedException;
import io.pocketgrid.portal.api.TokenBuckets;
import io.pocketgrid.portal.storage.BlobStore;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Registers anonymous volunteers and recognises them by their bearer token. */
@Service
public class VolunteerService {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_KNOWN_TOKENS = 200_000;

    private final Map<String, Long> knownTokens = new ConcurrentHashMap<>();

    private final VolunteerRepository volunteers;
    private final VolunteerRows rows;
    private final ResultCounts results;
    private final Clock clock;
    private final TokenBuckets<String> registrations;
    private final ApplicationEventPublisher events;

    VolunteerService(VolunteerRepository volunteers, VolunteerRows rows, ResultCounts results, Clock clock,
                     LimitsProperties limits, ApplicationEventPublisher events) {
        this.events = events;
        this.volunteers = volunteers;
        this.rows = rows;
        this.results = results;
        this.clock = clock;
        this.registrations = new TokenBuckets<>(limits.registrationsPerMinute() / 60, limits.registrationBurst());
    }

    /**
     * A new volunteer and its token; the token is shown once and only its hash is stored. Each
     * client address may register {@code pocketgrid.limits.registration-burst} volunteers at once and
     * then {@code registrations-per-minute} (429 RATE_LIMITED beyond): a household or a classroom
     * behind one address registers each browser once, a script minting tokens is held back.
     *
     * @param clientAddress the caller's address as a limit key, or null when it is exempt
     */
    @Transactional
    public Registration register(String clientAddress) {
        if (clientAddress != null) {
            long wait = registrations.take(clientAddress);
            if (wait > 0) {
                throw new RateLimitedException("too many volunteers registered from this address; try again later",
                        wait);
            }
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Volunteer v = volunteers.save(new Volunteer(UUID.randomUUID().toString(), hash(token), clock.instant()));
        return new Registration(v.getPublicId(), token);
    }

    /**
     * The id of the volunteer behind an {@code Authorization: Bearer …} header, or 401. Tokens never
     * change, so known ones are remembered and the hot worker calls skip the database (and any
     * transaction: this runs on every worker call).
     */
    public long authenticate(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ") || authorization.length() > 200) {
            throw new ApiException(Kind.UNAUTHENTICATED, "UNAUTHORIZED", "a volunteer bearer token is required");
        }
        String sha = hash(authorization.substring(7).trim());
        Long known = knownTokens.get(sha);
        if (known != null) {
            return known;
        }
        long id = volunteers.findByTokenSha256(sha)
                .orElseThrow(() -> new ApiException(Kind.UNAUTHENTICATED, "UNAUTHORIZED", "unknown volunteer token"))
                .getId();
        if (knownTokens.size() >= MAX_KNOWN_TOKENS) {
            knownTokens.clear();
        }
        knownTokens.put(sha, id);
        return id;
    }

    /** What a volunteer has done: results sent, results validated, credit earned. */
    /**
     * @param resultsPending results waiting for another volunteer's to agree (credit follows if they do)
     */
    public record Figures(String volunteerId, int resultsSent, int resultsValid, long microCredits, double credits,
                          int resultsPending) {
    }

    /** Figures of the volunteer with this public id, if there is one (the UI knows only that id). */
    @Transactional(readOnly = true)
    public java.util.Optional<Figures> figuresByPublicId(String publicId) {
        return volunteers.findByPublicId(publicId).map(v -> figures(v.getId()));
    }

    @Transactional(readOnly = true)
    public Figures figures(long volunteerId) {
        Volunteer v = volunteers.findById(volunteerId).orElseThrow();
        ResultCounts.Counts counts = results.of(volunteerId);
        long micro = rows.microCredits(volunteerId);
        return new Figures(v.getPublicId(), counts.sent(), counts.valid(), micro, micro / 1e6, counts.pending());
    }

    /** The credit of every volunteer, from their running totals (equal to the sum over credit rows). */
    @Transactional(readOnly = true)
    public long microCreditsOfAll() {
        return rows.microCreditsOfAll();
    }

    /** The internal id of the volunteer with this public id, if there is one. */
    @Transactional(readOnly = true)
    public java.util.Optional<Long> idOf(String publicId) {
        return volunteers.findByPublicId(publicId).map(Volunteer::getId);
    }

    /** The public ids of the volunteers (browsers) linked to an account, oldest first. */
    @Transactional(readOnly = true)
    public java.util.List<String> publicIdsOfAccount(long accountId) {
        return rows.publicIdsOfAccount(accountId);
    }

    /**
     * Links the volunteer behind this token to an account, once: the browser proves it is that volunteer
     * with its own token. False for an unknown token or a volunteer already linked.
     */
    @Transactional
    public boolean linkToAccount(long accountId, String volunteerToken) {
        return volunteerToken != null && volunteerToken.length() <= 200
                && rows.link(accountId, hash(volunteerToken.strip()));
    }

    /**
     * Bans a volunteer: no more work, its trust is gone; the caller ends what it has out. Every
     * instance's cached standing of it is forgotten after the commit ({@link VolunteerBanned}).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void ban(long volunteerId) {
        rows.ban(volunteerId);
        events.publishEvent(new VolunteerBanned(volunteerId));
    }

    @Scheduled(fixedDelay = 60_000)
    void dropFullBuckets() {
        registrations.dropFull();
    }

    private static String hash(String token) {
        return BlobStore.sha256Hex(token.getBytes(StandardCharsets.UTF_8));
    }

    /** What a new volunteer receives. */
    public record Registration(String volunteerId, String token) {
    }
}
