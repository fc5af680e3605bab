package io.pocketgrid.portal.api;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Maps every failure of the REST controllers to a 4xx/5xx with {@code {"error", "message"}}. Failures
 * that happen before a controller is chosen (no such path, wrong method) or outside Spring MVC
 * reach the error page instead, which {@link ApiErrorPageFilter} answers the same way.
 */
@RestControllerAdvice(basePackages = "io.pocketgrid.portal")
class ApiErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiErrorHandler.class);

    private final ApiErrorWriter errors;

    ApiErrorHandler(ApiErrorWriter errors) {
        this.errors = errors;
    }

    @ExceptionHandler(ApiException.class)
    void api(ApiException e, HttpServletResponse res) throws IOException {
        errors.write(res, e);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    void unreadable(HttpMessageNotReadableException e, HttpServletResponse res) throws IOException {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BodyTooLargeException tooLarge) {
                respond(res, HttpStatus.CONTENT_TOO_LARGE, "TOO_LARGE", tooLarge.getMessage());
                return;
            }
        }
        respond(res, HttpStatus.BAD_REQUEST, "INVALID_JSON", "the request body is not valid JSON for this call");
    }

    @ExceptionHandler(BodyTooLargeException.class)
    void tooLarge(BodyTooLargeException e, HttpServletResponse res) throws IOException {
        respond(res, HttpStatus.CONTENT_TOO_LARGE, "TOO_LARGE", e.getMessage());
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    void uploadTooLarge(MaxUploadSizeExceededException e, HttpServletResponse res) throws IOException {
        respond(res, HttpStatus.CONTENT_TOO_LARGE, "TOO_LARGE", "the upload is larger than the portal accepts");
    }

    @ExceptionHandler(MissingServletRequestPartException.class)
    void missingPart(MissingServletRequestPartException e, HttpServletResponse res) throws IOException {
        respond(res, HttpStatus.BAD_REQUEST, "MISSING_PART", "the multipart part '" + e.getRequestPartName()
                + "' is required");
    }

    @ExceptionHandler(MultipartException.class)
    void multipart(MultipartException e, HttpServletResponse res) throws IOException {
        respond(res, HttpStatus.BAD_REQUEST, "BAD_MULTIPART", "the request is not a readable multipart upload");
    }

    @ExceptionHandler(MissingRequestHeaderException.class)
    void missingHeader(MissingRequestHeaderException e, HttpServletResponse res) throws IOException {
        respond(res, HttpStatus.BAD_REQUEST, "MISSING_HEADER", "header " + e.getHeaderName() + " is required");
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    void badParameter(MethodArgumentTypeMismatchException e, HttpServletResponse res) throws IOException {
        respond(res, HttpStatus.BAD_REQUEST, "BAD_PARAMETER", "parameter " + e.getName() + " is malformed");
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    void mediaType(HttpMediaTypeNotSupportedException e, HttpServletResponse res) throws IOException {
        respond(res, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE", e.getMessage());
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    void method(HttpRequestMethodNotSupportedException e, HttpServletResponse res) throws IOException {
        respond(res, HttpStatus.METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", e.getMessage());
    }

    @ExceptionHandler(NoResourceFoundException.class)
    void notFound(NoResourceFoundException e, HttpServletResponse res) throws IOException {
        respond(res, HttpStatus.NOT_FOUND, "NOT_FOUND", "no such resource");
    }

    @ExceptionHandler(RuntimeException.class)
    void unexpected(RuntimeException e, HttpServletResponse res) throws IOException {
        log.error("API call failed", e);
        respond(res, HttpStatus.INTERNAL_SERVER_ERROR, "INTERNAL", "the server failed; the call changed nothing");
    }

    private void respond(HttpServletResponse res, HttpStatus status, String code, String message) throws IOException {
        // written directly, as JSON, even when the client asked for CSV or binary: an error must not become a 406/500
        errors.write(res, status, code, message);
    }
}
