package io.pocketgrid.portal.security;

import io.pocketgrid.portal.account.AccountService;
import java.util.List;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Component;

/** Signs accounts in to the UI: their BCrypt hash, and ROLE_OWNER or ROLE_ADMIN (admins own too). */
@Component
class AccountUserDetails implements UserDetailsService {

    private final AccountService accounts;

    AccountUserDetails(AccountService accounts) {
        this.accounts = accounts;
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        AccountService.Credentials c = accounts.credentials(username)
                .orElseThrow(() -> new UsernameNotFoundException("no such account"));
        List<SimpleGrantedAuthority> roles = c.admin()
                ? List.of(new SimpleGrantedAuthority("ROLE_OWNER"), new SimpleGrantedAuthority("ROLE_ADMIN"))
                : List.of(new SimpleGrantedAuthority("ROLE_OWNER"));
        return User.withUsername(c.username()).password(c.passwordHash()).authorities(roles).build();
    }
}
