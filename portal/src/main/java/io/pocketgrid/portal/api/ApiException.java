package io.pocketgrid.portal.api;

/**
 * A refused call: what kind of refusal, a stable error code and a message for people. It says nothing
 * of HTTP: the services that raise it are reached from the REST API and from the views alike, and
 * {@link ApiErrorWriter#status} is the one place a kind becomes an HTTP status.
 */
public class ApiException extends RuntimeException {

    /** What kind of refusal this is; each has exactly one HTTP status ({@link ApiErrorWriter#status}). */
    public enum Kind {
        /** The request itself is wrong (a value, a file, a body). */
        INVALID,
        /** No (valid) credentials. */
        UNAUTHENTICATED,
        /** Known caller, not allowed. */
        FORBIDDEN,
        /** No such thing. */
        NOT_FOUND,
        /** The method does not apply here. */
        NOT_ALLOWED,
        /** Cannot answer in the form asked for. */
        NOT_ACCEPTABLE,
        /** The thing's state does not allow it (already done, taken, …). */
        CONFLICT,
        /** It existed and is over (an expired lease). */
        GONE,
        /** Over a size bound. */
        TOO_LARGE,
        /** The body's type is not one this call takes. */
        UNSUPPORTED_MEDIA,
        /** Too many calls; try again later. */
        RATE_LIMITED,
        /** Something a collaborator (the chain node) cannot do now. */
        UNAVAILABLE,
        /** Our fault; nothing was changed. */
        INTERNAL
    }

    private final Kind kind;
    private final String code;

    public ApiException(Kind kind, String code, String message) {
        super(message);
        this.kind = kind;
        this.code = code;
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public static ApiException badRequest(String code, String message) {
        return new ApiException(Kind.INVALID, code, message);
    }

    public static ApiException tooLarge(String message) {
        return new ApiException(Kind.TOO_LARGE, "TOO_LARGE", message);
    }
}
