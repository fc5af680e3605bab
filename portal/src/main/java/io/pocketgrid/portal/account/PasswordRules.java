package io.pocketgrid.portal.account;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which passwords an account may have: 8–200 characters, not one of the most common passwords
 * (the list in {@code account/common-passwords.txt}, also with trailing digits and punctuation
 * taken off: {@code Password2024!} is {@code password}), not one character repeated, not a plain
 * run such as {@code 12345678} or {@code abcdefgh}, and not containing the username.
 */
final class PasswordRules {

    private static final Set<String> COMMON = load();

    private PasswordRules() {
    }

    /** Why this password is refused, or empty when it is fine. */
    static Optional<String> problem(String username, String password) {
        if (password == null || password.length() < 8 || password.length() > 200) {
            return Optional.of("a password has 8–200 characters");
        }
        String p = password.toLowerCase(Locale.ROOT);
        String stem = p.replaceAll("[\\d\\p{Punct}\\s]+$", "");
        if (COMMON.contains(p) || COMMON.contains(stem) || COMMON.contains(p.strip())) {
            return Optional.of("this password is one of the most common ones; choose another");
        }
        if (p.chars().distinct().count() <= 2) {
            return Optional.of("a password needs more than one or two different characters");
        }
        if (isRun(p)) {
            return Optional.of("a password must not be a plain run of characters like 12345678 or abcdefgh");
        }
        if (username != null && username.length() >= 3 && p.contains(username.toLowerCase(Locale.ROOT))) {
            return Optional.of("a password must not contain the username");
        }
        return Optional.empty();
    }

    /** Every step the same +1 or −1 (12345678, 87654321, abcdefgh). */
    private static boolean isRun(String p) {
        int step = p.charAt(1) - p.charAt(0);
        if (Math.abs(step) != 1) {
            return false;
        }
        for (int i = 2; i < p.length(); i++) {
            if (p.charAt(i) - p.charAt(i - 1) != step) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> load() {
        Set<String> words = new HashSet<>();
        try (var in = PasswordRules.class.getResourceAsStream("/account/common-passwords.txt")) {
            if (in == null) {
                throw new IllegalStateException("account/common-passwords.txt is missing from the classpath");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String w = line.strip().toLowerCase(Locale.ROOT);
                if (!w.isEmpty() && !w.startsWith("#")) {
                    words.add(w);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Set.copyOf(words);
    }
}
