package io.pocketgrid.portal.ledger;

import io.pocketgrid.ledger.merkle.Bytes32;
import io.pocketgrid.ledger.merkle.Keccak256;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Ledger account ids. Every volunteer (browser) is one ledger account:
 * {@code accountId = keccak256(utf8(volunteerId))}, where {@code volunteerId} is the public id
 * {@code POST /api/v1/volunteers} returned (a lower-case UUID). Anyone who knows a volunteer id can
 * compute its account id; nobody can go back from an account id to the volunteer.
 */
public final class AccountIds {

    private static final Pattern HEX32 = Pattern.compile("0x[0-9a-fA-F]{64}");
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private AccountIds() {
    }

    /** The ledger account id of the volunteer with this public id. */
    public static Bytes32 ofVolunteer(String volunteerPublicId) {
        return Bytes32.of(Keccak256.of(volunteerPublicId.getBytes(StandardCharsets.UTF_8)));
    }

    /** An account id given as {@code 0x} + 64 hex digits, or a volunteer id; empty when it is neither. */
    public static Optional<Bytes32> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.strip();
        if (HEX32.matcher(s).matches()) {
            return Optional.of(Bytes32.fromHex(s));
        }
        if (UUID.matcher(s).matches()) {
            return Optional.of(ofVolunteer(s.toLowerCase(Locale.ROOT)));
        }
        return Optional.empty();
    }
}
