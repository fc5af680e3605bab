package io.pocketgrid.sim;

import java.util.Locale;

/**
 * How a simulated volunteer treats the work it leases. The malicious ones attack validation and
 * credit; the server must refuse them or judge their results invalid, and never pay for them.
 */
public enum Behaviour {
    /** Computes with the real engine and submits at once. */
    HONEST("honest", false, null),
    /** Computes honestly, then waits before submitting (a busy phone). */
    SLOW("slow", false, null),
    /** Leases and fetches the input, then disappears without submitting; comes back later and does it again. */
    CRASHING("crashing", false, null),
    /** Right shape, random (finite) values. */
    RANDOM_OUTPUTS("random", true, null),
    /** Outputs another volunteer computed for a different task. */
    COPY_OTHER("copy", true, null),
    /** Computes honestly, then sends the accepted result a second time. */
    REPLAY("replay", true, Tamper.REPLAY),
    /** A lease token whose signature was altered. */
    FORGED_TOKEN("forged", true, Tamper.FORGED_TOKEN),
    /** A lease token whose expiry was pushed back (its signature no longer matches). */
    EXPIRED_TOKEN("expired", true, Tamper.EXTENDED_EXPIRY),
    /** Outputs with one more class than the task has. */
    WRONG_SHAPE("shape", true, Tamper.WRONG_SHAPE),
    /** Right shape with a NaN inside. */
    NAN("nan", true, Tamper.NAN);

    private final String shortName;
    private final boolean malicious;
    private final Tamper tamper;

    Behaviour(String shortName, boolean malicious, Tamper tamper) {
        this.shortName = shortName;
        this.malicious = malicious;
        this.tamper = tamper;
    }

    /** The name used by {@code --mix}. */
    public String shortName() {
        return shortName;
    }

    public boolean malicious() {
        return malicious;
    }

    /** The bad request this behaviour sends, which the server must refuse; null when it sends none. */
    public Tamper tamper() {
        return tamper;
    }

    /** By short name ({@code random}) or constant name ({@code RANDOM_OUTPUTS}), any case. */
    public static Behaviour parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Behaviour b : values()) {
            if (b.shortName.equals(n) || b.name().toLowerCase(Locale.ROOT).equals(n)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown behaviour '" + name + "'; known: " + names());
    }

    static String names() {
        StringBuilder sb = new StringBuilder();
        for (Behaviour b : values()) {
            sb.append(sb.isEmpty() ? "" : ", ").append(b.shortName);
        }
        return sb.toString();
    }
}
