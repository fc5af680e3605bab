package io.pocketgrid.portal.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.security.AuthenticationContext;
import io.pocketgrid.portal.account.Account;
import io.pocketgrid.portal.account.AccountService;
import io.pocketgrid.portal.api.ApiException;
import jakarta.annotation.security.PermitAll;

/**
 * The signed-in person's account: display name, team (created on first use), payout address,
 * API tokens for scripts, and claiming this browser's anonymous credit into the account.
 */
@PermitAll
@Route(value = "account", layout = MainLayout.class)
public class AccountView extends VerticalLayout implements HasDynamicTitle {

    private final AccountService accounts;
    private final long accountId;
    private final Grid<AccountService.TokenInfo> tokens = new Grid<>();

    public AccountView(AccountService accounts, AuthenticationContext auth) {
        this.accounts = accounts;
        Account account = accounts.byUsername(auth.getPrincipalName().orElseThrow());
        this.accountId = account.getId();
        setMaxWidth("48rem");

        TextField displayName = new TextField(getTranslation("account.display-name"), account.getDisplayName(), "");
        displayName.setId("account-display-name");
        TextField team = new TextField(getTranslation("account.team"), accounts.teamName(account), "");
        team.setId("account-team");
        TextField payout = new TextField(getTranslation("account.payout"), account.getPayoutAddress() == null ? ""
                : account.getPayoutAddress(), "");
        payout.setId("account-payout");
        Button save = new Button(getTranslation("account.save"), e -> {
            try {
                accounts.updateProfile(accountId, displayName.getValue(), team.getValue(), payout.getValue());
                Notification.show(getTranslation("account.saved"));
            } catch (ApiException ex) {
                Notification.show(Translations.error(this, ex));
            }
        });
        save.setId("account-save");
        save.addThemeVariants(ButtonVariant.PRIMARY);

        Button claim = new Button(getTranslation("account.claim"), e -> getElement().executeJs(
                "var v = localStorage.getItem($0); return v ? JSON.parse(v).token : ''", HomeView.IDENTITY_KEY)
                .then(String.class, token -> Notification.show(accounts.claimVolunteer(accountId, token)
                        ? getTranslation("account.claim.done")
                        : getTranslation("account.claim.nothing"))));
        claim.setId("account-claim-browser");

        TextField tokenName = new TextField(getTranslation("account.token-name"));
        Button createToken = new Button(getTranslation("account.create-token"), e -> {
            String token = accounts.createToken(accountId, tokenName.getValue());
            // long and unbroken: wrap it anywhere so a phone does not scroll sideways, and offer a copy button
            Span value = new Span(token);
            value.setId("account-new-token-value");
            value.getStyle().set("overflow-wrap", "anywhere").set("font-family", "monospace");
            Button copy = new Button(getTranslation("account.copy"), c -> c.getSource().getElement().executeJs(
                    "navigator.clipboard.writeText($0).then(() => this.textContent = $1)", token,
                    getTranslation("account.copied")));
            copy.setId("account-copy-token");
            Paragraph shown = new Paragraph(new Span(getTranslation("account.new-token")), value, copy);
            shown.setId("account-new-token");
            shown.setWidthFull();
            addComponentAtIndex(indexOf(tokens), shown);
            refreshTokens();
        });
        createToken.setId("account-create-token");
        tokenName.setId("account-token-name");
        tokens.addColumn(AccountService.TokenInfo::name).setHeader(getTranslation("account.tokens.name"));
        tokens.addColumn(t -> Formats.dateTime(t.createdAt(), getLocale())).setHeader(getTranslation("account.tokens.created"));
        tokens.addComponentColumn(t -> new Button(getTranslation("account.tokens.revoke"), e -> {
            accounts.revokeToken(accountId, t.id());
            refreshTokens();
        })).setHeader("");
        tokens.setAllRowsVisible(true);
        refreshTokens();

        tokens.setEmptyStateText(getTranslation("account.tokens.empty"));
        Button signOut = new Button(getTranslation("account.sign-out"), e -> auth.logout());
        signOut.setId("account-sign-out");
        add(new H2(getTranslation("account.heading", account.getUsername())), new FormLayout(displayName, team, payout), save,
                new H3(getTranslation("account.browser")), new Paragraph(getTranslation("account.browser.text")), claim,
                new H3(getTranslation("account.tokens")), new FormLayout(tokenName), createToken, tokens, signOut);
    }

    @Override
    public String getPageTitle() {
        return getTranslation("title.account");
    }

    private void refreshTokens() {
        tokens.setItems(accounts.tokens(accountId));
    }
}
