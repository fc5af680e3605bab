package io.pocketgrid.portal.api;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes every refused API call the same way: the status, {@code {"error", "message"}} as JSON and,
 * for a 429, Retry-After. The one writer behind the REST controllers' error handler, the servlet
 * filters, Spring Security's entry point and the error page, so it also counts every refusal
 * ({@code pocketgrid.api.refusals} by code and status: rate-limit refusals are {@code RATE_LIMITED}).
 */
@Component
public class ApiErrorWriter {

    private final JsonMapper json;
    private final MeterRegistry meters;

    public ApiErrorWriter(JsonMapper json, MeterRegistry meters) {
        this.json = json;
        this.meters = meters;
    }

    public void write(HttpServletResponse res, ApiException e) throws IOException {
        if (e instanceof RateLimitedException limited && !res.isCommitted()) {
            res.setHeader("Retry-After", Long.toString(limited.retryAfterSeconds()));
        }
        write(res, status(e).value(), e.code(), e.getMessage());
    }

    /** The one place a refusal's kind becomes an HTTP status. */
    public static HttpStatus status(ApiException e) {
        return switch (e.kind()) {
            case INVALID -> HttpStatus.BAD_REQUEST;
            case UNAUTHENTICATED -> HttpStatus.UNAUTHORIZED;
            case FORBIDDEN -> HttpStatus.FORBIDDEN;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case NOT_ALLOWED -> HttpStatus.METHOD_NOT_ALLOWED;
            case NOT_ACCEPTABLE -> HttpStatus.NOT_ACCEPTABLE;
            case CONFLICT -> HttpStatus.CONFLICT;
            case GONE -> HttpStatus.GONE;
            case TOO_LARGE -> HttpStatus.CONTENT_TOO_LARGE;
            case UNSUPPORTED_MEDIA -> HttpStatus.UNSUPPORTED_MEDIA_TYPE;
            case RATE_LIMITED -> HttpStatus.TOO_MANY_REQUESTS;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
            case INTERNAL -> HttpStatus.INTERNAL_SERVER_ERROR;
        };
    }

    public void write(HttpServletResponse res, HttpStatus status, String code, String message) throws IOException {
        write(res, status.value(), code, message);
    }

    /** Nothing is written once the response is committed: its status is out already. */
    public void write(HttpServletResponse res, int status, String code, String message) throws IOException {
        if (res.isCommitted()) {
            return;
        }
        // codes are the portal's own constants, so the number of series stays small
        Counter.builder("pocketgrid.api.refusals").description("API calls answered with an {error, message} body")
                .tag("code", code).tag("status", Integer.toString(status)).register(meters).increment();
        res.resetBuffer();
        byte[] bytes = json.writeValueAsBytes(new ApiError(code, message));
        res.setStatus(status);
        res.setContentType("application/json");
        res.setContentLength(bytes.length);
        try {
            res.getOutputStream().write(bytes);
        } catch (IllegalStateException writerInUse) {
            // a view or an error page took the writer before the failure
            res.getWriter().write(new String(bytes, StandardCharsets.UTF_8));
        }
    }

    /** The stable code for a bare HTTP status, when nothing more specific is known (error page, security). */
    public static String code(int status) {
        return switch (status) {
            case 400 -> "BAD_REQUEST";
            case 401 -> "UNAUTHORIZED";
            case 403 -> "FORBIDDEN";
            case 404 -> "NOT_FOUND";
            case 405 -> "METHOD_NOT_ALLOWED";
            case 406 -> "NOT_ACCEPTABLE";
            case 413 -> "TOO_LARGE";
            case 415 -> "UNSUPPORTED_MEDIA_TYPE";
            case 429 -> "RATE_LIMITED";
            default -> status >= 500 ? "INTERNAL" : "BAD_REQUEST";
        };
    }
}
