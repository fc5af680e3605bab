package io.pocketgrid.portal.admin;

import io.pocketgrid.portal.account.Account;
import io.pocketgrid.portal.account.AccountService;
import io.pocketgrid.portal.account.Role;
import io.pocketgrid.portal.api.ApiException.Kind;
import io.pocketgrid.portal.api.ApiException;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
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
            throw new ApiException(Kind.FORBIDDEN, "NOT_ADMIN", "only an admin may ban volunteers");
        }
        return admin.ban(volunteerId);
    }

    /** The role an admin gives another existing account: ADMIN or OWNER. */
    record RoleChange(String role) {
    }

    /** An account's role after a change. */
    record RoleGranted(String username, Role role) {
    }

    /** Makes an existing account an admin ({@code "ADMIN"}) or an owner again ({@code "OWNER"}); only an admin may. */
    @PutMapping("/api/v1/admin/accounts/{username}/role")
    RoleGranted role(@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String auth,
                                @PathVariable String username, @RequestBody RoleChange change) {
        Account a = accounts.authenticate(auth);
        if (!a.isAdmin()) {
            throw new ApiException(Kind.FORBIDDEN, "NOT_ADMIN", "only an admin may change roles");
        }
        Role role;
        try {
            role = Role.valueOf(String.valueOf(change == null ? null : change.role()));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("BAD_ROLE", "role is ADMIN or OWNER");
        }
        Account changed = accounts.grantRole(username, role, a);
        return new RoleGranted(changed.getUsername(), changed.getRole());
    }
}
