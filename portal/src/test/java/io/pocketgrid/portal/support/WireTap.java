package io.pocketgrid.portal.support;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingRequestWrapper;

/**
 * A servlet filter for browser tests, registered only by the tests that use it: records the bodies
 * of lease requests and counts model downloads as the real server receives them, and can make model
 * downloads slow (as on a poor network) so that a test can act while a worker holds a lease.
 */
public final class WireTap extends OncePerRequestFilter {

    private final List<String> leaseBodies = new CopyOnWriteArrayList<>();
    private final AtomicInteger modelDownloads = new AtomicInteger();
    private volatile long modelDelayMillis;

    public List<String> leaseBodies() {
        return leaseBodies;
    }

    public int modelDownloads() {
        return modelDownloads.get();
    }

    public void modelDelayMillis(long millis) {
        modelDelayMillis = millis;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI();
        if ("POST".equals(request.getMethod()) && path.equals("/api/v1/work/lease")) {
            ContentCachingRequestWrapper wrapped = new ContentCachingRequestWrapper(request, 4096);
            chain.doFilter(wrapped, response);
            leaseBodies.add(new String(wrapped.getContentAsByteArray(), StandardCharsets.UTF_8));
            return;
        }
        if ("GET".equals(request.getMethod()) && path.startsWith("/api/v1/models/")) {
            modelDownloads.incrementAndGet();
            sleep(modelDelayMillis);
        }
        chain.doFilter(request, response);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
