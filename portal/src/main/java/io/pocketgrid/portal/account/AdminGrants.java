package io.pocketgrid.portal.account;

import io.pocketgrid.portal.api.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * The operator's word on who is an admin: at start-up every existing account named in
 * {@code pocketgrid.admin-usernames} becomes ADMIN. A name without an account is only reported
 * (sign up first, then start again with the setting): a role is never waiting for whoever signs
 * up first under that name.
 */
@Component
class AdminGrants implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AdminGrants.class);

    private final AccountService accounts;
    private final AdminProperties properties;

    AdminGrants(AccountService accounts, AdminProperties properties) {
        this.accounts = accounts;
        this.properties = properties;
    }

    @Override
    public void run(ApplicationArguments args) {
        for (String name : properties.adminUsernames()) {
            if (name.isBlank()) {
                continue;
            }
            try {
                accounts.grantRole(name.strip(), Role.ADMIN, null);
                log.info("{} is an admin (pocketgrid.admin-usernames)", name.strip());
            } catch (ApiException e) {
                log.warn("pocketgrid.admin-usernames names {}, but there is no such account: sign it up, then start"
                        + " the portal again with this setting", name.strip());
            }
        }
    }
}
