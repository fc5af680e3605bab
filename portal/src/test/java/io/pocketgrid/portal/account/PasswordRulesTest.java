package io.pocketgrid.portal.account;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordRulesTest {

    @Test
    void refusesCommonTrivialAndNameBasedPasswords() {
        for (String weak : new String[] {"password", "PASSWORD", "Password1!", "12345678", "1234567890", "iloveyou",
                "qwerty123", "aaaaaaaa", "abababab", "abcdefgh", "hgfedcba", "grace-hopper-1", "short"}) {
            assertThat(PasswordRules.problem("grace-hopper", weak)).as(weak).isPresent();
        }
    }

    @Test
    void acceptsOrdinaryPassphrases() {
        for (String fine : new String[] {"correct horse battery", "analytical engine", "bench-password-1234512345",
                "Tr0ub4dor&3x", "sunshine over the hills"}) {
            assertThat(PasswordRules.problem("grace", fine)).as(fine).isEmpty();
        }
    }
}
