package io.pocketgrid.portal.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import io.pocketgrid.portal.ledger.ClaimData;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Claims this browser's reward with the visitor's own EIP-1193 wallet ({@code window.ethereum}): the
 * portal built the transaction from the newest epoch's proof, {@code /wallet/claim.js} has the wallet
 * send it, waits for the receipt and reads the payout address's new balance through the same wallet.
 * The tokens go to the payout address in the leaf whoever sends the claim.
 */
class WalletClaim extends Div {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Button send = new Button();
    private final Paragraph outcome = new Paragraph();
    private final ClaimData claim;

    WalletClaim(ClaimData claim, String tokenAddress) {
        this.claim = claim;
        setId("wallet-claim");
        send.setText(getTranslation("wallet.send"));
        send.setId("wallet-claim-send");
        send.addThemeVariants(ButtonVariant.PRIMARY);
        outcome.setId("wallet-claim-outcome");
        outcome.getStyle().set("overflow-wrap", "anywhere");
        send.addClickListener(e -> {
            send.setEnabled(false);
            outcome.setText(getTranslation("wallet.confirm"));
            getElement().executeJs("return import('/wallet/claim.js').then(m => m.claim({chainId: $0, contract: $1,"
                                    + " calldata: $2, token: $3, payout: $4})).then(r => JSON.stringify(r))",
                            Long.toString(claim.chainId()), claim.contractAddress(), claim.calldata(), tokenAddress,
                            claim.proof().payout())
                    .then(String.class, this::show, error -> {
                        send.setEnabled(true);
                        outcome.setText(getTranslation("wallet.script", error));
                    });
        });
        add(new Paragraph(getTranslation("wallet.intro", claim.proof().payout())), send, outcome);
    }

    /** Whether a leaf has a payout address to claim to (zero when the volunteer's account has none). */
    static boolean claimable(ClaimData claim) {
        return !claim.proof().payout().matches("0x0{40}");
    }

    private void show(String json) {
        JsonNode r = JSON.readTree(json);
        boolean ok = r.path("ok").asBoolean(false);
        send.setEnabled(!ok);
        String tx = r.path("txHash").asString("");
        String code = r.path("code").asString("ERROR");
        outcome.setText(ok ? getTranslation("wallet.claimed", tx, Long.toString(r.path("block").asLong()),
                Long.toString(r.path("gasUsed").asLong()), claim.proof().payout(), r.path("balance").asString(),
                r.path("symbol").asString())
                : switch (code) {
                    case "WRONG_CHAIN" -> getTranslation("wallet.WRONG_CHAIN", r.path("chain").asString(),
                            Long.toString(claim.chainId()));
                    case "NO_RECEIPT", "REVERTED" -> getTranslation("wallet." + code, tx);
                    case "NO_WALLET", "NO_ACCOUNT", "DECLINED" -> getTranslation("wallet." + code);
                    default -> getTranslation("wallet.ERROR", r.path("detail").asString(""));
                });
    }
}
