package io.pocketgrid.portal.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.ledger.EpochView;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The epoch interval as people read it, not as ISO-8601 ("PT10M"). */
class LedgerViewTest {

    @Test
    void intervalsReadAsWords() {
        assertThat(LedgerView.inWords(Duration.ofMinutes(10))).isEqualTo("10 minutes");
        assertThat(LedgerView.inWords(Duration.ofMinutes(90))).isEqualTo("1 hour 30 minutes");
        assertThat(LedgerView.inWords(Duration.ofSeconds(1))).isEqualTo("1 second");
        assertThat(LedgerView.inWords(Duration.ofDays(1).plusSeconds(5))).isEqualTo("1 day 5 seconds");
        assertThat(LedgerView.inWords(Duration.ofMillis(250))).isEqualTo("250 ms");
    }

    @Test
    void theNewestEpochReadsAsASentenceInBothLanguages() {
        String root = "0x" + "ab".repeat(32);
        String tx = "0x12" + "0".repeat(58) + "cdef";
        EpochView committed = new EpochView(3, root, "34500000", 12, "0x00", "COMMITTED", tx, 1234L,
                Instant.parse("2026-12-07T14:10:00Z"), Instant.parse("2026-12-07T14:20:00Z"), 0);
        assertThat(LedgerView.words(committed, Locale.ENGLISH)).isEqualTo("Epoch 3 was committed on Dec 7, 2026, 2:20\u202fPM UTC"
                + " in transaction 0x1200…cdef (block 1234); it credits 12 accounts with 34.500000 credit in all, counted"
                + " from the start; its Merkle root 0xabab…abab lets anyone check one account's share with a short proof.");
        assertThat(LedgerView.words(committed, Locale.GERMAN)).isEqualTo("Epoche 3 wurde am 07.12.2026, 14:20 UTC mit der"
                + " Transaktion 0x1200…cdef (Block 1234) festgeschrieben; sie schreibt 12 Konten zusammen 34,500000 Credits"
                + " gut, seit Beginn gezählt; mit ihrer Merkle-Wurzel 0xabab…abab kann jeder den Anteil eines Kontos über"
                + " einen kurzen Beweis prüfen.");
        EpochView failed = new EpochView(4, root, "1000000", 1, "0x00", "FAILED", null, null,
                Instant.parse("2026-12-07T14:30:00Z"), null, 2);
        assertThat(LedgerView.words(failed, Locale.ENGLISH)).isEqualTo("Epoch 4 closed on Dec 7, 2026, 2:30\u202fPM UTC;"
                + " sending it to the chain failed 2 times and is tried again at the next run; it credits 1 account with"
                + " 1.000000 credit in all.");
    }
}
