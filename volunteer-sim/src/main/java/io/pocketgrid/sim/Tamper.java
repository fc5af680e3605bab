package io.pocketgrid.sim;

import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.loop.Lease;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bad result submissions the simulator can send, each with the refusal DESIGN.md promises for
 * it. A refused submission must change nothing: the lease stays open for an honest result.
 */
public enum Tamper {
    /** The token's signature with its last characters changed. */
    FORGED_TOKEN(403, "BAD_LEASE_TOKEN"),
    /** The token's expiry pushed a day later, signature kept: an attempt to stretch the lease. */
    EXTENDED_EXPIRY(403, "BAD_LEASE_TOKEN"),
    /** No {@code X-Lease-Token} at all. */
    MISSING_TOKEN(400, "MISSING_HEADER"),
    /** One more element on the last axis of the first output than the task has, data to match. */
    WRONG_SHAPE(400, "SHAPE_MISMATCH"),
    /** A body that is not a tensor frame (its magic changed). */
    MALFORMED_FRAME(400, "SHAPE_MISMATCH"),
    /** The right frame with its last four bytes cut off. */
    SHORT_BODY(400, "SHAPE_MISMATCH"),
    /** The right frame with four bytes more after it. */
    LONG_BODY(400, "SHAPE_MISMATCH"),
    /** A NaN among the outputs. */
    NAN(400, "NON_FINITE"),
    /** An infinity among the outputs. */
    INFINITY(400, "NON_FINITE"),
    /** A lease id the server never issued. */
    UNKNOWN_LEASE(404, "UNKNOWN_LEASE"),
    /** The very same result again, after it was accepted. */
    REPLAY(409, "ALREADY_SUBMITTED");

    private final int status;
    private final String code;

    Tamper(int status, String code) {
        this.status = status;
        this.code = code;
    }

    /** The HTTP status the server must answer with. */
    public int status() {
        return status;
    }

    /** The {@code error} code the server must answer with. */
    public String code() {
        return code;
    }

    /** Whether the honest result must have been accepted first ({@link #REPLAY}). */
    public boolean needsAcceptedResult() {
        return this == REPLAY;
    }

    /** This bad request for a lease, built around honest-looking outputs of the lease's output specs. */
    public Submission apply(Lease lease, Map<String, Tensor> outputs) {
        Submission honest = Submission.of(lease, outputs, 1);
        return switch (this) {
            case FORGED_TOKEN -> withToken(honest, forge(lease.leaseToken()));
            case EXTENDED_EXPIRY -> withToken(honest, extendExpiry(lease.leaseToken(), 86_400));
            case MISSING_TOKEN -> withToken(honest, null);
            case WRONG_SHAPE -> {
                Map<String, Tensor> wrong = new LinkedHashMap<>(outputs);
                Map.Entry<String, Tensor> first = outputs.entrySet().iterator().next();
                int[] dims = first.getValue().dims().clone();
                dims[dims.length - 1]++;
                wrong.put(first.getKey(), Tensor.zeros(first.getValue().type(), dims));
                yield Submission.of(lease, wrong, 1);
            }
            case MALFORMED_FRAME -> {
                byte[] body = honest.body().clone();
                body[3] = '9';
                yield withBody(honest, body);
            }
            case SHORT_BODY -> withBody(honest, Arrays.copyOf(honest.body(), honest.body().length - 4));
            case LONG_BODY -> withBody(honest, Arrays.copyOf(honest.body(), honest.body().length + 4));
            case NAN -> Submission.of(lease, poisoned(outputs, Float.NaN), 1);
            case INFINITY -> Submission.of(lease, poisoned(outputs, Float.POSITIVE_INFINITY), 1);
            case UNKNOWN_LEASE -> new Submission(Long.MAX_VALUE - lease.leaseId(), lease.leaseToken(), honest.body(), 1);
            case REPLAY -> honest;
        };
    }

    /** The token {@code leaseId.volunteerId.expiry.mac} with the MAC's last four characters replaced. */
    static String forge(String token) {
        String tail = token.endsWith("AAAA") ? "BBBB" : "AAAA";
        return token.substring(0, Math.max(0, token.length() - 4)) + tail;
    }

    /** The same token claiming an expiry {@code seconds} later; the MAC is left as it was. */
    static String extendExpiry(String token, long seconds) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 4) {
            return forge(token);
        }
        long expiry = Long.parseLong(parts[2]) + seconds;
        return parts[0] + "." + parts[1] + "." + expiry + "." + parts[3];
    }

    /** The outputs with one value of the first floating-point output replaced by {@code bad}. */
    private static Map<String, Tensor> poisoned(Map<String, Tensor> outputs, float bad) {
        Map<String, Tensor> copy = new LinkedHashMap<>(outputs);
        for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
            Tensor t = e.getValue();
            if (t.type().isFloating() && t.size() > 0) {
                float[] v = t.floats().clone();
                v[v.length / 2] = bad;
                copy.put(e.getKey(), Tensor.ofFloats(t.type(), v, t.dims()));
                return copy;
            }
        }
        throw new IllegalArgumentException("no floating-point output to poison");
    }

    private static Submission withToken(Submission s, String token) {
        return new Submission(s.leaseId(), token, s.body(), s.elapsedMs());
    }

    private static Submission withBody(Submission s, byte[] body) {
        return new Submission(s.leaseId(), s.leaseToken(), body, s.elapsedMs());
    }
}
