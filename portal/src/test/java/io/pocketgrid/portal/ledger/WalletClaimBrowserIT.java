package io.pocketgrid.portal.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.ledger.LedgerClient;
import io.pocketgrid.ledger.chain.ChainClient;
import io.pocketgrid.ledger.chain.ChainProperties;
import io.pocketgrid.ledger.contract.TokenContract;
import io.pocketgrid.portal.ledger.EpochJob.Status;
import io.pocketgrid.portal.support.ApiClient;
import io.pocketgrid.portal.support.Chromium;
import io.pocketgrid.portal.support.PortalProperties;
import io.pocketgrid.portal.support.TempDirs;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A volunteer claims with a wallet on the ledger page, in Chromium: the page's EIP-1193 provider is a
 * stand-in injected before the page loads that forwards every call to the portal's own anvil (anvil
 * signs for its dev accounts, as a wallet would after the user confirmed). Without a wallet the page
 * says so; a declined transaction sends nothing and the button stays; a confirmed one is mined, and the
 * page shows its receipt and the payout address's new balance, which the test reads from the chain itself.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WalletClaimBrowserIT {

    private static final Path DATA_DIR = TempDirs.create("pocketgrid-wallet-it");
    private static final String PAYOUT = "0x00000000000000000000000000000000000b0a7d";

    /** An EIP-1193 provider forwarding to the chain at RPC; {@code decline} makes it refuse to send, as a user may. */
    private static final String PROVIDER = """
            window.ethereum = {
              decline: false, sent: [],
              async request({method, params}) {
                if (method === 'eth_sendTransaction' && this.decline) {
                  const e = new Error('User rejected the request.'); e.code = 4001; throw e;
                }
                const rpc = async (m, p) => {
                  const r = await fetch('RPC', {method: 'POST', headers: {'Content-Type': 'application/json'},
                    body: JSON.stringify({jsonrpc: '2.0', id: 1, method: m, params: p || []})});
                  const j = await r.json();
                  if (j.error) { const e = new Error(j.error.message); e.code = j.error.code; throw e; }
                  return j.result;
                };
                if (method === 'eth_requestAccounts') {
                  return [(await rpc('eth_accounts'))[2]];
                }
                if (method === 'eth_sendTransaction') {
                  this.sent.push(params[0]);
                }
                return rpc(method, params);
              }};
            """;

    @Value("${local.server.port}")
    int port;

    @Autowired
    EpochJob job;

    @Autowired
    LedgerService ledger;

    @Autowired
    JdbcTemplate jdbc;

    private ChromeDriver browser;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        PortalProperties.dataDir(registry, DATA_DIR);
        PortalProperties.noDemoProject(registry);
        PortalProperties.fastChain(registry);
    }

    @AfterEach
    void quit() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aVolunteerClaimsWithAnInjectedWalletAndSeesTheReceiptAndTheNewBalance() {
        ApiClient api = new ApiClient(port);
        CreditFlow credit = new CreditFlow(api);
        credit.project(40);
        ApiClient.Volunteer volunteer = api.volunteer();
        credit.compute(volunteer, 2);
        credit.linkToAccount(volunteer, PAYOUT, jdbc);
        assertThat(job.runOnce().status()).isEqualTo(Status.COMMITTED);
        ClaimData claim = ledger.claim(volunteer.id());
        JsonNode info = api.get("/api/v1/ledger", null).json();

        browser = Chromium.start(1280, 1000);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        String page = "http://localhost:" + port + "/ledger";
        browser.get(page);
        browser.executeScript("localStorage.setItem('pocketgrid.volunteer', JSON.stringify({volunteerId: arguments[0],"
                + " token: arguments[1]}))", volunteer.id(), volunteer.token());

        // no wallet in this browser: said plainly, the calldata stays for any other wallet
        browser.navigate().refresh();
        wait.until(d -> d.findElement(By.id("wallet-claim-send")).isDisplayed());
        browser.findElement(By.id("wallet-claim-send")).click();
        wait.until(d -> d.findElement(By.id("wallet-claim-outcome")).getText().contains("No wallet found"));

        browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument",
                Map.of("source", PROVIDER.replace("RPC", info.get("rpcUrl").asString())));
        browser.navigate().refresh();
        wait.until(d -> d.findElement(By.id("wallet-claim-send")).isDisplayed());

        // the user declines in the wallet: nothing is sent, the button can be pressed again
        browser.executeScript("window.ethereum.decline = true");
        browser.findElement(By.id("wallet-claim-send")).click();
        wait.withMessage("a declined claim is reported").until(d ->
                d.findElement(By.id("wallet-claim-outcome")).getText().contains("declined"));
        wait.until(d -> Chromium.enabled(d.findElement(By.id("wallet-claim-send"))));
        try (LedgerClient reader = LedgerChecks.reader(api)) {
            assertThat(reader.claimed(AccountIds.ofVolunteer(volunteer.id()))).isEqualTo(BigInteger.ZERO);
        }

        browser.executeScript("window.ethereum.decline = false");
        browser.findElement(By.id("wallet-claim-send")).click();
        wait.withMessage("the receipt and the new balance are shown").until(d ->
                d.findElement(By.id("wallet-claim-outcome")).getText().startsWith("Claimed"));
        String outcome = browser.findElement(By.id("wallet-claim-outcome")).getText();
        Map<?, ?> sent = (Map<?, ?>) browser.executeScript("return window.ethereum.sent[0]");
        assertThat(sent.get("to").toString()).isEqualToIgnoringCase(claim.contractAddress());
        assertThat(sent.get("data")).isEqualTo(claim.calldata());

        BigInteger amount = new BigInteger(claim.proof().amount());
        try (LedgerClient reader = LedgerChecks.reader(api);
             ChainClient chain = LedgerClient.chainClient(ChainProperties.of(info.get("rpcUrl").asString())
                     .withPollInterval(Duration.ofMillis(50)), LedgerChecks.OUTSIDER)) {
            assertThat(reader.claimed(AccountIds.ofVolunteer(volunteer.id()))).as("claimed on chain").isEqualTo(amount);
            BigInteger balance = TokenContract.at(chain, info.get("tokenAddress").asString()).balanceOf(PAYOUT);
            assertThat(balance).isEqualTo(amount.multiply(reader.contract().rate())).isPositive();
            Matcher tx = Pattern.compile("transaction (0x[0-9a-f]{64}) is in block (\\d+)").matcher(outcome);
            assertThat(tx.find()).as(outcome).isTrue();
            Matcher held = Pattern.compile("now holds ([0-9,.]+) PGC").matcher(outcome);
            assertThat(held.find()).as(outcome).isTrue();
            assertThat(new BigDecimal(held.group(1).replace(",", "")))
                    .as("the balance the page shows, in tokens of 18 decimals")
                    .isEqualByComparingTo(new BigDecimal(balance).movePointLeft(18).setScale(6, java.math.RoundingMode.DOWN)
                            .stripTrailingZeros());
        }
        Chromium.screenshot(browser, "ledger-wallet-claimed");
    }
}
