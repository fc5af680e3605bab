package io.pocketgrid.portal.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.HasDynamicTitle;
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
public class LedgerView extends VerticalLayout implements HasDynamicTitle {

    private final LedgerService ledger;
    private final Grid<EpochView> epochs = new Grid<>();
    private final Div where = new Div();
    private final Paragraph inWords = new Paragraph();
    private final Div mine = new Div();

    public LedgerView(LedgerService ledger) {
        this.ledger = ledger;
        setMaxWidth("72rem");
        epochs.setId("epochs");
        epochs.addColumn(EpochView::epoch).setHeader(getTranslation("ledger.epoch")).setWidth("6rem").setFlexGrow(0);
        epochs.addColumn(EpochView::status).setHeader(getTranslation("ledger.status"));
        epochs.addColumn(EpochView::leafCount).setHeader(getTranslation("ledger.leaves"));
        epochs.addColumn(EpochView::root).setHeader(getTranslation("ledger.root")).setFlexGrow(3);
        epochs.addColumn(e -> e.txHash() == null ? "—" : e.txHash()).setHeader(getTranslation("ledger.transaction")).setFlexGrow(3);
        epochs.addColumn(e -> e.block() == null ? "—" : e.block().toString()).setHeader(getTranslation("ledger.block"));
        epochs.setAllRowsVisible(true);
        epochs.setEmptyStateText(getTranslation("ledger.epochs.empty"));
        mine.setId("my-leaf");
        // long hex strings wrap instead of widening the page on a phone
        mine.getStyle().set("overflow-wrap", "anywhere").set("max-width", "100%");
        where.getStyle().set("overflow-wrap", "anywhere");
        inWords.setId("ledger-in-words");
        inWords.getStyle().set("overflow-wrap", "anywhere");
        add(new H2(getTranslation("ledger.heading")), where, new H3(getTranslation("ledger.epochs")), inWords,
                new Paragraph(getTranslation("ledger.explained")), epochs,
                new H3(getTranslation("ledger.mine")), mine);
    }

    @Override
    protected void onAttach(AttachEvent event) {
        ledger.info().ifPresentOrElse(info -> where.add(new Paragraph(getTranslation("ledger.where", String.valueOf(info.chainId()),
                        info.contractAddress(), info.tokenAddress(), info.rpcUrl(),
                        Formats.every(java.time.Duration.parse(info.epochInterval()), getLocale())))),
                () -> where.add(new Paragraph(getTranslation("ledger.unavailable", ledger.unavailableReason()))));
        java.util.List<EpochView> list = ledger.epochs(null, 100);
        epochs.setItems(list);
        inWords.setText(list.isEmpty() ? getTranslation("ledger.epochs.empty") : words(list.get(0), getLocale()));
        getElement().executeJs("return localStorage.getItem($0) || ''", HomeView.IDENTITY_KEY).then(String.class, this::showMine);
    }

    private static Pre wrapped(Pre pre) {
        pre.getStyle().set("white-space", "pre-wrap").set("word-break", "break-all");
        return pre;
    }

    private void showMine(String identity) {
        mine.removeAll();
        if (identity == null || identity.isEmpty()) {
            mine.add(new Paragraph(getTranslation("ledger.mine.none")));
            return;
        }
        JsonNode node = JsonMapper.builder().build().readTree(identity);
        String volunteerId = node.path("volunteerId").asString("");
        try {
            ClaimData claim = ledger.claim(volunteerId);
            Span verdict = new Span();
            verdict.setId("verify-result");
            Button verify = new Button(getTranslation("ledger.verify"), e -> verdict.setText(ledger.verifyOnChain(claim.proof())
                    ? getTranslation("ledger.verify.yes", String.valueOf(claim.proof().epoch()))
                    : getTranslation("ledger.verify.no")));
            verify.setId("verify-on-chain");
            // a wallet claims with the token's address from the ledger's info; without a payout address, say how to get one
            Component withWallet = ledger.info().<Component>map(info -> WalletClaim.claimable(claim)
                    ? new WalletClaim(claim, info.tokenAddress())
                    : new Paragraph(getTranslation("ledger.payout.none"))).orElseGet(Div::new);
            mine.add(new Paragraph(getTranslation("ledger.leaf", String.valueOf(claim.proof().epoch()), claim.proof().accountId(),
                            claim.proof().payout(), claim.proof().amount())),
                    wrapped(new Pre("proof " + String.join("\n      ", claim.proof().proof()))), verify, verdict, withWallet,
                    new Paragraph(getTranslation("ledger.calldata", claim.contractAddress(), String.valueOf(claim.chainId()))),
                    wrapped(new Pre(claim.calldata())));
        } catch (ApiException e) {
            mine.add(new Paragraph(Translations.error(this, e)));
        }
    }

    /** The newest epoch in a sentence: when it was committed, where, whom it credits, and what its root is for. */
    static String words(EpochView e, java.util.Locale locale) {
        Translations t = new Translations();
        String credit = Formats.decimal(new java.math.BigDecimal(e.total()).movePointLeft(6).doubleValue(), 6, locale);
        String closed = e.createdAt() == null ? "—" : Formats.dateTime(e.createdAt(), locale);
        return switch (e.status()) {
            case "COMMITTED" -> t.getTranslation("ledger.words.committed", locale, String.valueOf(e.epoch()),
                    e.committedAt() == null ? closed : Formats.dateTime(e.committedAt(), locale), shortHex(e.txHash()),
                    e.block() == null ? "—" : e.block().toString(), e.leafCount(), credit, shortHex(e.root()));
            case "FAILED" -> t.getTranslation("ledger.words.failed", locale, String.valueOf(e.epoch()), closed, e.attempts(), e.leafCount(), credit);
            default -> t.getTranslation("ledger.words.pending", locale, String.valueOf(e.epoch()), closed, e.leafCount(), credit);
        };
    }

    /** {@code 0xab12…cdef}: enough of a hash to find it in the table. */
    static String shortHex(String hex) {
        return hex == null || hex.length() <= 14 ? String.valueOf(hex) : hex.substring(0, 6) + "…" + hex.substring(hex.length() - 4);
    }

    /** "10 minutes", "1 hour 30 minutes", "45 seconds": an interval as people say it (the API keeps ISO-8601). */
    static String inWords(java.time.Duration d) {
        return Formats.duration(d, java.util.Locale.ENGLISH);
    }

    @Override
    public String getPageTitle() {
        return getTranslation("title.ledger");
    }
}
