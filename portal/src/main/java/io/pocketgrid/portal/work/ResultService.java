package io.pocketgrid.portal.work;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pocketgrid.portal.api.ApiException.Kind;
import io.pocketgrid.portal.api.ApiException;
import io.pocketgrid.portal.api.BodyTooLargeException;
import io.pocketgrid.portal.project.Dims;
import io.pocketgrid.portal.project.OutputLayout;
import io.pocketgrid.portal.project.Project;
import io.pocketgrid.portal.project.ProjectService;
import io.pocketgrid.portal.storage.BlobStore;
import io.pocketgrid.portal.validation.ValidationService;
import io.pocketgrid.worker.loop.TensorFrames;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * Accepts the outputs of a lease. Every check runs before anything is written; the result row and
 * the lease's state change commit together (in the writer's batch), and a unique key makes a
 * second result impossible.
 */
@Service
public class ResultService {

    private final LeaseRows leases;
    private final ProjectService projects;
    private final LeaseTokens tokens;
    private final BlobStore blobs;
    private final ValidationService validation;
    private final ResultBatch results;
    private final LeaseRegistry registry;
    private final Clock clock;
    private final MeterRegistry meters;

    ResultService(LeaseRows leases, ProjectService projects, LeaseTokens tokens, BlobStore blobs,
                  ValidationService validation, ResultBatch results, LeaseRegistry registry, Clock clock,
                  MeterRegistry meters) {
        this.meters = meters;
        this.validation = validation;
        this.results = results;
        this.registry = registry;
        this.leases = leases;
        this.projects = projects;
        this.tokens = tokens;
        this.blobs = blobs;
        this.clock = clock;
    }

    /**
     * Checks a result against its lease before anything is written, stores its outputs, and hands
     * it to the writer, which stores and judges it with the other results of its batch.
     */
    public Receipt submit(long volunteerId, long leaseId, String leaseToken, boolean framed, String dimsHeader,
                          Long elapsedMs, InputStream body) {
        LeaseRegistry.Issued a = issued(leaseId);
        requireHolder(a, volunteerId, leaseToken);
        Instant now = clock.instant();
        if (!a.expiresAt().isAfter(now)) {
            throw new ApiException(Kind.GONE, "LEASE_EXPIRED", "lease " + leaseId + " expired at " + a.expiresAt());
        }
        Project project = projects.facts(a.projectId());
        OutputLayout layout = new OutputLayout(project.getOutputs());
        int items = a.end() - a.start();
        byte[] bytes;
        int[] dims;
        if (framed) {
            int max = layout.frameBytes(items);
            byte[] frame = read(body, max + 1);
            if (frame.length > max) {
                throw shape("the result is longer than the " + max + " bytes this task's outputs take");
            }
            bytes = layout.fromFrame(frame, items);
            dims = Dims.prepend(items, project.getOutputs().get(0).itemDims());
        } else {
            if (!project.isSingleFloat32()) {
                throw new ApiException(Kind.UNSUPPORTED_MEDIA, "OLD_CLIENT", "this task's result has several"
                        + " tensors or other types than float32: send it as " + TensorFrames.MEDIA_TYPE + " (docs/protocol.md)");
            }
            dims = Dims.prepend(items, project.getOutputs().get(0).itemDims());
            int[] sent = parseDims(dimsHeader);
            if (!Arrays.equals(dims, sent)) {
                throw shape("the result has dims " + Arrays.toString(sent) + " but this task needs " + Arrays.toString(dims));
            }
            bytes = readExactly(body, Math.toIntExact(layout.bytes(items)));
        }
        float[] outputs = layout.values(bytes, items, true);
        BlobStore.Small blob = blobs.small(bytes);
        Receipt receipt = results.store(new ResultWrite(leaseId, a.taskId(), volunteerId, blob, Dims.format(dims),
                elapsedMs, now, outputs, validation.picksForSpotCheck(a.single())));
        registry.remove(leaseId);
        Counter.builder("pocketgrid.results").description("results accepted, by what the worker heard back")
                .tag("status", receipt.status()).register(meters).increment();
        return receipt;
    }

    /**
     * Gives a lease back unfinished, so its task goes to someone else at once instead of at expiry.
     * A lease that already ended has nothing to give back. Two statements, no transaction: the
     * sweep restores the {@code wanted} hint if the second is lost.
     */
    public void release(long volunteerId, long leaseId, String leaseToken) {
        LeaseRegistry.Issued a;
        try {
            a = issued(leaseId);
        } catch (ApiException e) {
            if (e.kind() == Kind.NOT_FOUND) {
                throw e;
            }
            return;
        }
        requireHolder(a, volunteerId, leaseToken);
        registry.remove(leaseId);
        leases.giveBack(leaseId, a.taskId());
    }

    /**
     * The lease as this instance remembers it; otherwise (another instance issued it, or it ended)
     * from the database, refusing one that can take no result any more.
     */
    private LeaseRegistry.Issued issued(long leaseId) {
        Optional<LeaseRegistry.Issued> known = registry.get(leaseId);
        if (known.isPresent()) {
            return known.get();
        }
        LeaseRows.Stored stored = leases.lease(leaseId).orElseThrow(
                () -> new ApiException(Kind.NOT_FOUND, "UNKNOWN_LEASE", "there is no lease " + leaseId));
        LeaseRegistry.Issued lease = stored.lease();
        AssignmentStatus status = stored.status();
        if (status == AssignmentStatus.EXPIRED) {
            throw new ApiException(Kind.GONE, "LEASE_EXPIRED", "lease " + leaseId + " expired at " + lease.expiresAt());
        }
        if (status != AssignmentStatus.LEASED) {
            throw new ApiException(Kind.CONFLICT, "ALREADY_SUBMITTED", "lease " + leaseId + " is " + status
                    + "; a result can be sent once");
        }
        return lease;
    }

    /** Refuses a caller that is not the lease's volunteer or whose lease token was not issued for it. */
    private void requireHolder(LeaseRegistry.Issued lease, long volunteerId, String leaseToken) {
        if (!tokens.verify(leaseToken, lease.leaseId(), lease.volunteerId())) {
            throw new ApiException(Kind.FORBIDDEN, "BAD_LEASE_TOKEN", "the lease token is not valid for lease "
                    + lease.leaseId());
        }
        if (lease.volunteerId() != volunteerId) {
            throw new ApiException(Kind.FORBIDDEN, "NOT_YOUR_LEASE", "lease " + lease.leaseId()
                    + " belongs to another volunteer");
        }
    }

    private static int[] parseDims(String header) {
        try {
            return Dims.parse(header);
        } catch (IllegalArgumentException e) {
            throw shape("X-Tensor-Dims is malformed: " + e.getMessage());
        }
    }

    private static byte[] readExactly(InputStream body, int length) {
        byte[] bytes = read(body, length);
        if (bytes.length < length) {
            throw shape("the body has " + bytes.length + " bytes; the dims need " + length);
        }
        try {
            if (body.read() >= 0) {
                throw shape("the body is longer than the " + length + " bytes the dims need");
            }
        } catch (IOException e) {
            throw ApiException.badRequest("BAD_BODY", "the body could not be read: " + e.getMessage());
        }
        return bytes;
    }

    /** At most {@code length} bytes of the body. */
    private static byte[] read(InputStream body, int length) {
        try {
            return body.readNBytes(length);
        } catch (BodyTooLargeException e) {
            throw ApiException.tooLarge(e.getMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("BAD_BODY", "the body could not be read: " + e.getMessage());
        }
    }

    private static ApiException shape(String message) {
        return ApiException.badRequest("SHAPE_MISMATCH", message);
    }

    /** A lease as read back from the database, with its state. */
}
