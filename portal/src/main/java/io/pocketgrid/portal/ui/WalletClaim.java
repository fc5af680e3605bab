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

    private final Button send = new Button("Claim with your wallet");
    private final Paragraph outcome = new Paragraph();
    private final ClaimData claim;

    WalletClaim(ClaimData claim, String tokenAddress) {
        this.claim = claim;
        setId("wallet-claim");
        send.setId("wallet-claim-send");
        send.addThemeVariants(ButtonVariant.PRIMARY);
        outcome.setId("wallet-claim-outcome");
        outcome.getStyle().set("overflow-wrap", "anywhere");
        send.addClickListener(e -> {
            send.setEnabled(false);
            outcome.setText("Confirm the transaction in your wallet…");
            getElement().executeJs("return import('/wallet/claim.js').then(m => m.claim({chainId: $0, contract: $1,"
                                    + " calldata: $2, token: $3, payout: $4})).then(r => JSON.stringify(r))",
                            Long.toString(claim.chainId()), claim.contractAddress(), claim.calldata(), tokenAddress,
                            claim.proof().payout())
                    .then(String.class, this::show, error -> {
                        send.setEnabled(true);
                        outcome.setText("The wallet script could not run: " + error);
                    });
        });
        add(new Paragraph("Claim with a wallet in this browser: it sends the claim to the contract and pays the fee;"
                + " the tokens go to the payout address " + claim.proof().payout() + " whoever sends it."), send, outcome);
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
        outcome.setText(ok ? "Claimed: transaction " + tx + " is in block " + r.path("block").asLong() + " ("
                + r.path("gasUsed").asLong() + " gas). The payout address " + claim.proof().payout() + " now holds "
                + r.path("balance").asString() + " " + r.path("symbol").asString() + "."
                : switch (r.path("code").asString("ERROR")) {
                    case "NO_WALLET" -> "No wallet found in this browser (an EIP-1193 wallet such as MetaMask provides"
                            + " one). You can still claim with the calldata below from any wallet.";
                    case "NO_ACCOUNT" -> "The wallet gave no account to send from.";
                    case "WRONG_CHAIN" -> "Your wallet is on chain " + r.path("chain").asString() + "; switch it to chain "
                            + claim.chainId() + " and try again.";
                    case "DECLINED" -> "You declined the transaction in your wallet; nothing was sent.";
                    case "NO_RECEIPT" -> "Sent as " + tx + ", but no receipt came within 5 minutes; look it up in your wallet.";
                    case "REVERTED" -> "The transaction " + tx + " failed on chain: nothing was claimed (was everything"
                            + " claimed already?).";
                    default -> "The wallet reported an error: " + r.path("detail").asString("");
                });
    }
}
