package io.pocketgrid.portal.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerNetworkTest {

    @TempDir
    Path dir;

    @Test
    void aMissingAnvilTurnsTheLedgerOffInsteadOfFailing() {
        LedgerNetwork network = new LedgerNetwork(properties(true, dir.resolve("no-anvil").toString()), dir, null, null,
                null, Clock.systemUTC());
        assertThat(network.connect()).isEmpty();
        assertThat(network.offReason()).hasValueSatisfying(reason -> assertThat(reason).contains("anvil"));
        assertThat(network.connect()).as("not tried again").isEmpty();
        network.destroy();
    }

    @Test
    void aDisabledLedgerNeverConnects() {
        LedgerNetwork network = new LedgerNetwork(properties(false, ""), dir, null, null, null, Clock.systemUTC());
        assertThat(network.connect()).isEmpty();
        assertThat(network.offReason()).hasValueSatisfying(reason -> assertThat(reason).contains("disabled"));
    }

    @Test
    void accountIdsAreTheKeccakOfTheVolunteerId() {
        String volunteer = "0f8fad5b-d9cb-469f-a165-70867728950e";
        assertThat(AccountIds.ofVolunteer(volunteer).toHex())
                .isEqualTo(org.web3j.crypto.Hash.sha3String(volunteer));
        assertThat(AccountIds.parse(volunteer.toUpperCase())).contains(AccountIds.ofVolunteer(volunteer));
        assertThat(AccountIds.parse(AccountIds.ofVolunteer(volunteer).toHex())).contains(AccountIds.ofVolunteer(volunteer));
        assertThat(AccountIds.parse("0x1234")).isEmpty();
    }

    private static LedgerProperties properties(boolean enabled, String anvilPath) {
        return new LedgerProperties(enabled, "", "", "", "POCKETGRID_LEDGER_KEY", null, "POCKETGRID_LEDGER_KEYSTORE_PASSWORD",
                Duration.ofMinutes(10), 1, Duration.ofMillis(500), Duration.ofMinutes(2), Duration.ofMinutes(1),
                Duration.ofMinutes(15), anvilPath, 0);
    }
}
