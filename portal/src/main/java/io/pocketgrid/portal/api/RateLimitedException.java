package io.pocketgrid.portal.api;

import io.pocketgrid.portal.api.ApiException.Kind;

/** A call refused with 429 RATE_LIMITED; {@code retryAfterSeconds} goes out as the Retry-After header. */
public class RateLimitedException extends ApiException {

    private final long retryAfterSeconds;

    public RateLimitedException(String message, long retryAfterSeconds) {
        super(Kind.RATE_LIMITED, "RATE_LIMITED", message);
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
