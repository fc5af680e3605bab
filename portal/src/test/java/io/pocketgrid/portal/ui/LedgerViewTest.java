package io.pocketgrid.portal.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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
}
