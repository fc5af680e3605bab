package io.pocketgrid.portal.api;

import io.pocketgrid.portal.config.PocketGridProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.multipart.MaxUploadSizeExceededException;

/**
 * Bounds every API request body: a declared length over the limit is refused before it is read,
 * and a body without a declared length is cut off at the limit while it is read. Early in the
 * chain, because the worker protocol's filter ends the chain right behind it. Multipart uploads
 * are counted by Tomcat as they stream, against {@code spring.servlet.multipart.*}; its refusal
 * surfaces here as an exception (it stopped reading at the limit), answered as the same JSON 413.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class BodyLimitFilter extends OncePerRequestFilter {

    private final long maxJsonBytes;
    private final long maxResultBytes;
    private final ApiErrorWriter errors;

    BodyLimitFilter(PocketGridProperties properties, ApiErrorWriter errors) {
        this.maxJsonBytes = properties.maxJsonBytes();
        this.maxResultBytes = properties.maxResultBytes();
        this.errors = errors;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String type = request.getContentType();
        if (type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            multipart(request, response, chain);
            return;
        }
        long limit = request.getRequestURI().endsWith("/result") ? maxResultBytes : maxJsonBytes;
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            errors.write(response, HttpStatus.CONTENT_TOO_LARGE, "TOO_LARGE", "the body has " + declared
                    + " bytes; at most " + limit + " are accepted");
            return;
        }
        chain.doFilter(new LimitedRequest(request, limit), response);
    }

    private void multipart(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (IllegalStateException | ServletException e) {
            if (!uploadTooLarge(e)) {
                throw e;
            }
            // Tomcat stopped reading at the limit and closes the connection after this answer
            errors.write(response, HttpStatus.CONTENT_TOO_LARGE, "TOO_LARGE", "the upload is larger than the "
                    + "portal accepts");
        }
    }

    /** Tomcat's multipart size refusal (a SizeLimitExceeded/FileSizeLimitExceeded cause), however wrapped. */
    private static boolean uploadTooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MaxUploadSizeExceededException || t.getClass().getName().endsWith("SizeLimitExceededException")) {
                return true;
            }
        }
        return false;
    }

    private static final class LimitedRequest extends HttpServletRequestWrapper {
        private final long limit;
        private ServletInputStream stream;

        LimitedRequest(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new LimitedStream(super.getInputStream(), limit);
            }
            return stream;
        }
    }

    private static final class LimitedStream extends ServletInputStream {
        private final ServletInputStream in;
        private final long limit;
        private long count;

        LimitedStream(ServletInputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = in.read(buf, off, len);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        private void counted(int n) throws IOException {
            count += n;
            if (count > limit) {
                throw new BodyTooLargeException(limit);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
