package io.pocketgrid.portal.admin;

import io.pocketgrid.portal.account.Account;
import io.pocketgrid.portal.account.AccountService;
import io.pocketgrid.portal.api.ApiException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

@RestController
class AdminController {

    private final AdminService admin;
    private final AccountService accounts;

    AdminController(AdminService admin, AccountService accounts) {
        this.admin = admin;
        this.accounts = accounts;
    }

    @PostMapping("/api/v1/admin/volunteers/{volunteerId}/ban")
    AdminService.Ban ban(@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String auth,
                         @PathVariable String volunteerId) {
        Account a = accounts.authenticate(auth);
        if (!a.isAdmin()) {
            throw new ApiException(HttpStatus.FORBIDDEN, "NOT_ADMIN", "only an admin may ban volunteers");
        }
        return admin.ban(volunteerId);
    }
}
