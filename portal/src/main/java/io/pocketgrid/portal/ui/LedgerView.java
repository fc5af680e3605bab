package io.pocketgrid.portal.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import io.pocketgrid.portal.api.ApiException;
import io.pocketgrid.portal.ledger.ClaimData;
import io.pocketgrid.portal.ledger.EpochView;
import io.pocketgrid.portal.ledger.LedgerService;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The reward ledger: where to verify, every epoch with its root and transaction, and for this
 * browser its leaf, its proof, a button that asks the contract itself, and the exact calldata to
 * claim with any wallet.
 */
@AnonymousAllowed
@Route(value = "ledger", layout = MainLayout.class)
@PageTitle("Ledger — PocketGrid")
public class LedgerView extends VerticalLayout {

    private final LedgerService ledger;
    private final Grid<EpochView> epochs = new Grid<>();
    private final Div where = new Div();
    private final Div mine = new Div();

    public LedgerView(LedgerService ledger) {
        this.ledger = ledger;
        setMaxWidth("72rem");
        epochs.setId("epochs");
        epochs.addColumn(EpochView::epoch).setHeader("Epoch").setWidth("6rem").setFlexGrow(0);
        epochs.addColumn(EpochView::status).setHeader("Status");
        epochs.addColumn(EpochView::leafCount).setHeader("Leaves");
        epochs.addColumn(EpochView::root).setHeader("Root").setFlexGrow(3);
        epochs.addColumn(e -> e.txHash() == null ? "—" : e.txHash()).setHeader("Transaction").setFlexGrow(3);
        epochs.addColumn(e -> e.block() == null ? "—" : e.block().toString()).setHeader("Block");
        epochs.setAllRowsVisible(true);
        mine.setId("my-leaf");
        // long hex strings wrap instead of widening the page on a phone
        mine.getStyle().set("overflow-wrap", "anywhere").set("max-width", "100%");
        where.getStyle().set("overflow-wrap", "anywhere");
        add(new H2("Ledger"), where, new H3("Epochs"), epochs, new H3("This browser's credit on chain"), mine);
    }

    @Override
    protected void onAttach(AttachEvent event) {
        ledger.info().ifPresentOrElse(info -> where.add(new Paragraph("Chain " + info.chainId() + " · contract "
                        + info.contractAddress() + " · reward token " + info.tokenAddress() + " · RPC " + info.rpcUrl()
                        + " · a new epoch every " + inWords(java.time.Duration.parse(info.epochInterval())))),
                () -> where.add(new Paragraph("The ledger is not available: " + ledger.unavailableReason())));
        epochs.setItems(ledger.epochs(null, 100));
        getElement().executeJs("return localStorage.getItem('pocketgrid.volunteer') || ''").then(String.class, this::showMine);
    }

    private static Pre wrapped(Pre pre) {
        pre.getStyle().set("white-space", "pre-wrap").set("word-break", "break-all");
        return pre;
    }

    private void showMine(String identity) {
        mine.removeAll();
        if (identity == null || identity.isEmpty()) {
            mine.add(new Paragraph("This browser has not contributed yet."));
            return;
        }
        JsonNode node = JsonMapper.builder().build().readTree(identity);
        String volunteerId = node.path("volunteerId").asString("");
        try {
            ClaimData claim = ledger.claim(volunteerId);
            Span verdict = new Span();
            verdict.setId("verify-result");
            Button verify = new Button("Verify on chain", e -> verdict.setText(ledger.verifyOnChain(claim.proof())
                    ? "✓ the contract confirms this leaf in epoch " + claim.proof().epoch()
                    : "✗ the contract does not confirm this leaf"));
            verify.setId("verify-on-chain");
            mine.add(new Paragraph("Epoch " + claim.proof().epoch() + " · account " + claim.proof().accountId()
                            + " · payout " + claim.proof().payout() + " · cumulative micro-credits " + claim.proof().amount()),
                    wrapped(new Pre("proof " + String.join("\n      ", claim.proof().proof()))), verify, verdict,
                    new Paragraph("To claim with any wallet, send this calldata to " + claim.contractAddress()
                            + " on chain " + claim.chainId() + " (tokens always go to the payout address):"),
                    wrapped(new Pre(claim.calldata())));
            ledger.info().ifPresent(info -> mine.addComponentAtIndex(4, WalletClaim.claimable(claim)
                    ? new WalletClaim(claim, info.tokenAddress())
                    : new Paragraph("This browser's credit has no payout address yet: on your account page, claim this"
                            + " browser's credit and set a payout address; from the next epoch on you can claim here.")));
        } catch (ApiException e) {
            mine.add(new Paragraph(e.getMessage()));
        }
    }

    /** "10 minutes", "1 hour 30 minutes", "45 seconds": an interval as people say it (the API keeps ISO-8601). */
    static String inWords(java.time.Duration d) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        long[] amounts = {d.toDaysPart(), d.toHoursPart(), d.toMinutesPart(), d.toSecondsPart()};
        String[] units = {"day", "hour", "minute", "second"};
        for (int i = 0; i < amounts.length; i++) {
            if (amounts[i] > 0) {
                parts.add(amounts[i] + " " + units[i] + (amounts[i] == 1 ? "" : "s"));
            }
        }
        return parts.isEmpty() ? d.toMillis() + " ms" : String.join(" ", parts);
    }
}
