package io.pocketgrid.portal.account;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who administers ({@code pocketgrid.admin-usernames}).
 *
 * @param adminUsernames existing accounts the operator makes ADMIN at start-up (sign-up never makes an admin)
 */
@ConfigurationProperties("pocketgrid")
public record AdminProperties(@DefaultValue("") List<String> adminUsernames) {
}
