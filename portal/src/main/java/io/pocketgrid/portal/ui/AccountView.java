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
import com.vaadin.flow.router.PageTitle;
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
@PageTitle("Account — PocketGrid")
public class AccountView extends VerticalLayout {

    private final AccountService accounts;
    private final long accountId;
    private final Grid<AccountService.TokenInfo> tokens = new Grid<>();

    public AccountView(AccountService accounts, AuthenticationContext auth) {
        this.accounts = accounts;
        Account account = accounts.byUsername(auth.getPrincipalName().orElseThrow());
        this.accountId = account.getId();
        setMaxWidth("48rem");

        TextField displayName = new TextField("Display name", account.getDisplayName(), "");
        displayName.setId("account-display-name");
        TextField team = new TextField("Team (joined, or created if new)", accounts.teamName(account), "");
        team.setId("account-team");
        TextField payout = new TextField("Payout address (0x…)", account.getPayoutAddress() == null ? ""
                : account.getPayoutAddress(), "");
        payout.setId("account-payout");
        Button save = new Button("Save", e -> {
            try {
                accounts.updateProfile(accountId, displayName.getValue(), team.getValue(), payout.getValue());
                Notification.show("Saved");
            } catch (ApiException ex) {
                Notification.show(ex.getMessage());
            }
        });
        save.setId("account-save");
        save.addThemeVariants(ButtonVariant.PRIMARY);

        Button claim = new Button("Claim this browser's credit", e -> getElement().executeJs(
                "var v = localStorage.getItem('pocketgrid.volunteer'); return v ? JSON.parse(v).token : ''")
                .then(String.class, token -> Notification.show(accounts.claimVolunteer(accountId, token)
                        ? "This browser's credit now counts for your account."
                        : "Nothing to claim: this browser has not contributed yet, or is claimed already.")));
        claim.setId("account-claim-browser");

        TextField tokenName = new TextField("New token name");
        Button createToken = new Button("Create API token", e -> {
            String token = accounts.createToken(accountId, tokenName.getValue());
            // long and unbroken: wrap it anywhere so a phone does not scroll sideways, and offer a copy button
            Span value = new Span(token);
            value.setId("account-new-token-value");
            value.getStyle().set("overflow-wrap", "anywhere").set("font-family", "monospace");
            Button copy = new Button("Copy", c -> c.getSource().getElement().executeJs(
                    "navigator.clipboard.writeText($0).then(() => this.textContent = 'Copied')", token));
            copy.setId("account-copy-token");
            Paragraph shown = new Paragraph(new Span("Your new token (shown once): "), value, copy);
            shown.setId("account-new-token");
            shown.setWidthFull();
            addComponentAtIndex(indexOf(tokens), shown);
            refreshTokens();
        });
        createToken.setId("account-create-token");
        tokenName.setId("account-token-name");
        tokens.addColumn(AccountService.TokenInfo::name).setHeader("Token");
        tokens.addColumn(t -> t.createdAt().toString()).setHeader("Created");
        tokens.addComponentColumn(t -> new Button("Revoke", e -> {
            accounts.revokeToken(accountId, t.id());
            refreshTokens();
        })).setHeader("");
        tokens.setAllRowsVisible(true);
        refreshTokens();

        add(new H2("Account: " + account.getUsername()), new FormLayout(displayName, team, payout), save,
                new H3("This browser"), new Paragraph("Credit a browser earned anonymously can be claimed into"
                        + " this account once; it then shows under your name and team."), claim,
                new H3("API tokens for scripts"), new FormLayout(tokenName), createToken, tokens,
                new Button("Sign out", e -> auth.logout()));
    }

    private void refreshTokens() {
        tokens.setItems(accounts.tokens(accountId));
    }
}
