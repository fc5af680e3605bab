package io.pocketgrid.portal.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may read the management endpoints ({@code pocketgrid.operator.*}) besides admins' API tokens.
 *
 * @param token a bearer token that may read {@code /actuator/**} and nothing else (for a Prometheus
 *              scraper); empty: none. Set it from the environment ({@code POCKETGRID_OPERATOR_TOKEN}),
 *              never in a file that is committed; at least 32 characters.
 */
@ConfigurationProperties("pocketgrid.operator")
record OperatorProperties(@DefaultValue("") String token) {

    static final int MIN_TOKEN_LENGTH = 32;

    OperatorProperties {
        if (!token.isEmpty() && token.length() < MIN_TOKEN_LENGTH) {
            throw new IllegalArgumentException("pocketgrid.operator.token must have at least " + MIN_TOKEN_LENGTH
                    + " characters");
        }
    }
}
