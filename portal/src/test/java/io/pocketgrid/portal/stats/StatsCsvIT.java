package io.pocketgrid.portal.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.account.AccountService;
import io.pocketgrid.portal.support.DrillPortal;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** Drill: names that a spreadsheet would run as formulas come out of the CSV export as text. */
class StatsCsvIT extends DrillPortal {

    private static final String EVIL = "=HYPERLINK(\"http://evil/\",\"x\")";
    private static final String NEUTRALISED = "\"'=HYPERLINK(\"\"http://evil/\"\",\"\"x\"\")\"";

    @Autowired
    AccountService accounts;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void formulaLikeNamesAreExportedAsQuotedText() {
        String user = "mallory" + System.nanoTime() % 100000;
        api.ownerToken(user);
        long accountId = accounts.byUsername(user).getId();
        accounts.updateProfile(accountId, EVIL, "@SUM(1+1)*cmd|' /C calc'!A0", null);
        String volunteer = api.registerVolunteer();
        assertThat(accounts.claimVolunteer(accountId, volunteer)).isTrue();
        jdbc.update("UPDATE volunteer SET total_micro_credits = 5 WHERE account_id = ?", accountId);
        jdbc.update("UPDATE project SET name = ? WHERE id = (SELECT MIN(id) FROM project)", "+1+cmd|' /C calc'!A0");

        String volunteers = csv("volunteers");
        assertThat(volunteers).contains("," + NEUTRALISED + ",\"'@SUM(1+1)*cmd|' /C calc'!A0\",5,");
        assertThat(volunteers).doesNotContain("," + EVIL);
        assertThat(csv("teams")).contains(",\"'@SUM(1+1)*cmd|' /C calc'!A0\",");
        assertThat(csv("projects")).contains(",\"'+1+cmd|' /C calc'!A0\",");
    }

    @Test
    void numbersAndPlainTextAreLeftAlone() {
        assertThat(StatsExportController.cell(-5L)).isEqualTo("-5");
        assertThat(StatsExportController.cell("Difference Engineers")).isEqualTo("Difference Engineers");
        assertThat(StatsExportController.cell("a,b")).isEqualTo("\"a,b\"");
        assertThat(StatsExportController.cell("\tTAB")).isEqualTo("\"'\tTAB\"");
        assertThat(StatsExportController.cell("-2+3")).isEqualTo("\"'-2+3\"");
    }

    private String csv(String what) {
        var r = api.get("/api/v1/stats/" + what + "?format=csv", null);
        assertThat(r.status()).isEqualTo(200);
        return new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
