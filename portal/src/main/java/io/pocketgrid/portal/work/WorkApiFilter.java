package io.pocketgrid.portal.work;

import io.pocketgrid.portal.api.ApiErrorWriter;
import io.pocketgrid.portal.api.ApiException.Kind;
import io.pocketgrid.portal.api.ApiException;
import io.pocketgrid.portal.api.BodyTooLargeException;
import io.pocketgrid.portal.project.Dims;
import io.pocketgrid.portal.project.TaskInputs;
import io.pocketgrid.portal.volunteer.VolunteerService;
import io.pocketgrid.worker.loop.TensorFrames;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The worker protocol's hot calls — lease, input, result, release — answered by one servlet
 * filter that ends the filter chain: three of them make every round trip, and Spring MVC's
 * dispatch and the filters behind this one (Spring Security's chain among them, which lets these
 * paths through untouched anyway) were most of the portal's CPU per round trip in the throughput
 * bench. The body-size filter runs before this one; a refusal is the same
 * {@code {"error", "message"}} with the same codes as from the REST controllers.
 */
class WorkApiFilter extends HttpFilter {

    private static final Logger log = LoggerFactory.getLogger(WorkApiFilter.class);
    private static final String WORK = "/api/v1/work/";
    private static final String TASKS = "/api/v1/tasks/";

    private final transient VolunteerService volunteers;
    private final transient LeaseService leases;
    private final transient ResultService results;
    private final transient RateLimiter rateLimiter;
    private final transient TaskInputs inputs;
    private final transient JsonMapper json;
    private final transient ApiErrorWriter errors;
    private final transient Map<String, Timer> timers = new HashMap<>();

    WorkApiFilter(VolunteerService volunteers, LeaseService leases, ResultService results, RateLimiter rateLimiter,
                   TaskInputs inputs, JsonMapper json, ApiErrorWriter errors, MeterRegistry meters) {
        for (String call : List.of("lease", "input", "result", "release", "other")) {
            // a histogram, not percentiles: buckets add up over the instances behind a load balancer (and
            // over a bench phase: bench/work-throughput.sh reads the portal's own p99 from them)
            timers.put(call, Timer.builder("pocketgrid.work.calls").description("worker protocol calls as this instance"
                    + " answered them, refusals included (Spring's http.server.requests leaves them out)")
                    .tag("call", call).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(10)).register(meters));
        }
        this.errors = errors;
        this.volunteers = volunteers;
        this.leases = leases;
        this.results = results;
        this.rateLimiter = rateLimiter;
        this.inputs = inputs;
        this.json = json;
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain) throws IOException {
        // what Spring Security's header writer added before: no sniffing, no caching
        res.setHeader("X-Content-Type-Options", "nosniff");
        res.setHeader("Cache-Control", "no-store");
        long start = System.nanoTime();
        String path = path(req);
        String call = call(path);
        try {
            route(call, path, req, res);
        } catch (ApiException e) {
            errors.write(res, e);
        } catch (BodyTooLargeException e) {
            errors.write(res, HttpStatus.CONTENT_TOO_LARGE, "TOO_LARGE", e.getMessage());
        } catch (RuntimeException e) {
            log.error("API call failed", e);
            errors.write(res, HttpStatus.INTERNAL_SERVER_ERROR, "INTERNAL", "the server failed; the call changed nothing");
        } finally {
            timers.get(call).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /** Whether this filter answers the request (the paths it is mounted on). */
    static boolean handles(HttpServletRequest req) {
        String path = path(req);
        return path.startsWith(WORK) || path.startsWith(TASKS);
    }

    private static String path(HttpServletRequest req) {
        return req.getRequestURI().substring(req.getContextPath().length());
    }

    /** Which call a path is (the name its timer carries); "other" for none of them. */
    private static String call(String path) {
        if (path.equals(WORK + "lease")) {
            return "lease";
        }
        if (path.startsWith(WORK) && path.endsWith("/result")) {
            return "result";
        }
        if (path.startsWith(WORK) && path.endsWith("/release")) {
            return "release";
        }
        return path.startsWith(TASKS) && path.endsWith("/input") ? "input" : "other";
    }

    private void route(String call, String path, HttpServletRequest req, HttpServletResponse res) throws IOException {
        switch (call) {
            case "lease" -> {
                requireMethod(req, "POST");
                lease(req, res);
            }
            case "result" -> {
                requireMethod(req, "POST");
                result(id(path, WORK, "/result"), req, res);
            }
            case "release" -> {
                requireMethod(req, "POST");
                long leaseId = id(path, WORK, "/release");
                long volunteerId = volunteer(req);
                results.release(volunteerId, leaseId, header(req, "X-Lease-Token"));
                res.setStatus(HttpServletResponse.SC_NO_CONTENT);
            }
            case "input" -> {
                requireMethod(req, "GET");
                input(id(path, TASKS, "/input"), req, res);
            }
            default -> throw new ApiException(Kind.NOT_FOUND, "NOT_FOUND", "no such resource");
        }
    }

    private void lease(HttpServletRequest req, HttpServletResponse res) throws IOException {
        long volunteerId = volunteer(req);
        rateLimiter.acquireLease(req);
        byte[] body = req.getInputStream().readAllBytes();
        LeaseRequest request = new LeaseRequest(null, null);
        if (body.length > 0) {
            try {
                request = json.readValue(body, LeaseRequest.class);
            } catch (JacksonException e) {
                throw ApiException.badRequest("INVALID_JSON", "the request body is not valid JSON for this call");
            }
        }
        var lease = leases.lease(volunteerId, request == null ? new LeaseRequest(null, null) : request);
        if (lease.isEmpty()) {
            res.setStatus(HttpServletResponse.SC_NO_CONTENT);
            return;
        }
        writeJson(res, HttpServletResponse.SC_OK, lease.get());
    }

    private void result(long leaseId, HttpServletRequest req, HttpServletResponse res) throws IOException {
        long volunteerId = volunteer(req);
        String token = header(req, "X-Lease-Token");
        String contentType = req.getContentType();
        boolean framed = contentType != null && contentType.startsWith(TensorFrames.MEDIA_TYPE);
        String dims = framed ? null : header(req, "X-Tensor-Dims");
        String elapsed = req.getHeader("X-Elapsed-Ms");
        Long elapsedMs;
        try {
            elapsedMs = elapsed == null ? null : Long.valueOf(elapsed.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("BAD_PARAMETER", "parameter X-Elapsed-Ms is malformed");
        }
        writeJson(res, HttpServletResponse.SC_OK, results.submit(volunteerId, leaseId, token, framed, dims,
                elapsedMs, req.getInputStream()));
    }

    /**
     * A task's inputs: a tensor frame for a client that accepts one; raw float32 with
     * {@code X-Tensor-Dims} for a client of the first protocol, which only a project of one float32
     * input and output can serve (others answer 406 OLD_CLIENT rather than bytes it would misread).
     */
    private void input(long taskId, HttpServletRequest req, HttpServletResponse res) throws IOException {
        volunteers.authenticate(req.getHeader("Authorization"));
        TaskInputs.Slice slice = inputs.read(taskId).orElseThrow(() ->
                new ApiException(Kind.NOT_FOUND, "UNKNOWN_TASK", "there is no task " + taskId));
        String accept = req.getHeader("Accept");
        List<byte[]> body;
        if (accept != null && accept.contains(TensorFrames.MEDIA_TYPE)) {
            body = slice.frame();
            res.setContentType(TensorFrames.MEDIA_TYPE);
        } else if (slice.project().isSingleFloat32()) {
            body = List.of(slice.bytes().get(0));
            res.setHeader("X-Tensor-Dims", Dims.format(slice.dims(0)));
            res.setContentType("application/octet-stream");
        } else {
            throw new ApiException(Kind.NOT_ACCEPTABLE, "OLD_CLIENT", "this task has inputs of several tensors or"
                    + " other types than float32: ask with 'Accept: " + TensorFrames.MEDIA_TYPE + "' (docs/protocol.md)");
        }
        res.setStatus(HttpServletResponse.SC_OK);
        res.setContentLengthLong(body.stream().mapToLong(b -> b.length).sum());
        var out = res.getOutputStream();
        for (byte[] piece : body) {
            out.write(piece);
        }
    }

    private long volunteer(HttpServletRequest req) {
        long volunteerId = volunteers.authenticate(req.getHeader("Authorization"));
        rateLimiter.acquire(volunteerId);
        return volunteerId;
    }

    private static long id(String path, String prefix, String suffix) {
        String id = path.substring(prefix.length(), path.length() - suffix.length());
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("BAD_PARAMETER", "parameter " + (prefix.equals(WORK) ? "leaseId" : "taskId")
                    + " is malformed");
        }
    }

    private static String header(HttpServletRequest req, String name) {
        String value = req.getHeader(name);
        if (value == null) {
            throw ApiException.badRequest("MISSING_HEADER", "header " + name + " is required");
        }
        return value;
    }

    private static void requireMethod(HttpServletRequest req, String method) {
        if (!req.getMethod().equals(method)) {
            throw new ApiException(Kind.NOT_ALLOWED, "METHOD_NOT_ALLOWED", "Request method '"
                    + req.getMethod() + "' is not supported");
        }
    }

    private void writeJson(HttpServletResponse res, int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        res.setStatus(status);
        res.setContentType("application/json");
        res.setContentLength(bytes.length);
        res.getOutputStream().write(bytes);
    }
}
