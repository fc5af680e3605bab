package io.pocketgrid.portal.account;

import io.pocketgrid.portal.api.ClientAddress;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Sign-up and API tokens for owners' scripts. */
@RestController
class AccountController {

    private final AccountService accounts;
    private final ClientAddress clients;

    AccountController(AccountService accounts, ClientAddress clients) {
        this.accounts = accounts;
        this.clients = clients;
    }

    record SignUp(String username, String password, String email) {
    }

    record Created(long accountId, String username, Role role) {
    }

    record Credentials(String username, String password, String name) {
    }

    record TokenIssued(String token) {
    }

    @PostMapping("/api/v1/accounts")
    @ResponseStatus(HttpStatus.CREATED)
    Created signUp(@RequestBody SignUp body) {
        Account a = accounts.signUp(body.username(), body.password(), body.email());
        return new Created(a.getId(), a.getUsername(), a.getRole());
    }

    @PostMapping("/api/v1/auth/tokens")
    @ResponseStatus(HttpStatus.CREATED)
    TokenIssued token(@RequestBody Credentials body, HttpServletRequest request) {
        Account a = accounts.signIn(body.username(), body.password(), clients.of(request));
        return new TokenIssued(accounts.createToken(a.getId(), body.name()));
    }
}
