package io.pocketgrid.portal.work;

import io.pocketgrid.portal.config.PocketGridProperties;
import io.pocketgrid.portal.storage.SharedSecrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * Signs and checks lease tokens: {@code leaseId.volunteerId.expiresEpochSecond.mac}, the MAC an
 * HMAC-SHA256 over the first three parts. A token proves the server issued this lease to this
 * volunteer until then; it cannot be forged or moved to another lease.
 */
@Component
class LeaseTokens {

    private final byte[] key;
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    /**
     * {@code pocketgrid.lease-hmac-key} when set; otherwise the key all instances share in the database,
     * created by the first one (from the {@code lease-hmac.key} file an earlier version kept in the data
     * directory, when there is one, so leases out during an upgrade stay good; else random).
     */
    LeaseTokens(WorkProperties work, PocketGridProperties properties, SharedSecrets secrets) {
        this.key = work.leaseHmacKey().isEmpty()
                ? secrets.getOrCreate("lease-hmac-key", () -> initialKey(properties.dataDir().resolve("lease-hmac.key")))
                : work.leaseHmacKey().getBytes(StandardCharsets.UTF_8);
    }

    String issue(long leaseId, long volunteerId, long expiresEpochSecond) {
        String claims = leaseId + "." + volunteerId + "." + expiresEpochSecond;
        return claims + "." + mac(claims);
    }

    /** True when the token was issued by this server for exactly this lease and volunteer. */
    boolean verify(String token, long leaseId, long volunteerId) {
        if (token == null || token.length() > 200) {
            return false;
        }
        int cut = token.lastIndexOf('.');
        if (cut < 0) {
            return false;
        }
        String claims = token.substring(0, cut);
        String[] parts = claims.split("\\.");
        if (parts.length != 3 || !parts[0].equals(Long.toString(leaseId)) || !parts[1].equals(Long.toString(volunteerId))) {
            return false;
        }
        return MessageDigest.isEqual(mac(claims).getBytes(StandardCharsets.US_ASCII),
                token.substring(cut + 1).getBytes(StandardCharsets.US_ASCII));
    }

    private String mac(String claims) {
        Mac mac = macs.get();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(claims.getBytes(StandardCharsets.US_ASCII)));
    }

    /** One keyed HMAC per thread: looking the algorithm up and keying it on every call was a cost per request. */
    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] initialKey(Path legacyFile) {
        try {
            if (Files.isRegularFile(legacyFile)) {
                return Files.readAllBytes(legacyFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the lease key " + legacyFile, e);
        }
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        return fresh;
    }
}
