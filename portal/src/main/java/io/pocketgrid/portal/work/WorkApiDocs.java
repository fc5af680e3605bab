package io.pocketgrid.portal.work;

import static io.pocketgrid.portal.api.OpenApiConfig.binary;
import static io.pocketgrid.portal.api.OpenApiConfig.error;
import static io.pocketgrid.portal.api.OpenApiConfig.header;
import static io.pocketgrid.portal.api.OpenApiConfig.headerParameter;

import io.pocketgrid.portal.api.OpenApiConfig;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * The worker protocol's hot calls in the OpenAPI document. {@link WorkApiFilter} answers them ahead of
 * Spring MVC, so springdoc cannot see them; they are described here, next to the filter, and a test
 * checks that the document lists every path the filter routes.
 */
@Configuration
class WorkApiDocs {

    private static final String TAG = "worker";

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    OpenApiCustomizer workApiPaths() {
        return api -> {
            Components components = api.getComponents() == null ? new Components() : api.getComponents();
            api.components(components);
            ModelConverters.getInstance().readAll(LeaseRequest.class).forEach(components::addSchemas);
            ModelConverters.getInstance().readAll(Lease.class).forEach(components::addSchemas);
            ModelConverters.getInstance().readAll(Receipt.class).forEach(components::addSchemas);
            if (api.getPaths() == null) {
                api.paths(new Paths());
            }
            api.getPaths().addPathItem("/api/v1/work/lease", new PathItem().post(lease()));
            api.getPaths().addPathItem("/api/v1/tasks/{taskId}/input", new PathItem().get(input()));
            api.getPaths().addPathItem("/api/v1/work/{leaseId}/result", new PathItem().post(result()));
            api.getPaths().addPathItem("/api/v1/work/{leaseId}/release", new PathItem().post(release()));
        };
    }

    private static Operation lease() {
        return volunteerCall("lease", "Ask for work", """
                A replica of a task this volunteer has never held, or 204 when there is none now (ask again in a \
                while). The device figures size the task: one larger than about a minute of this device's work is \
                cut at its first lease.""")
                .requestBody(new RequestBody().required(false).content(json("LeaseRequest")))
                .responses(new ApiResponses()
                        .addApiResponse("200", new ApiResponse().description("The lease").content(json("Lease")))
                        .addApiResponse("204", new ApiResponse().description("No work now"))
                        .addApiResponse("400", error("INVALID_JSON"))
                        .addApiResponse("401", error("UNAUTHORIZED: no or unknown volunteer token"))
                        .addApiResponse("403", error("BANNED or IGNORED (too many results disagreed with quorums)"))
                        .addApiResponse("429", error("RATE_LIMITED, with Retry-After: too many calls, too many open"
                                + " leases, or throttled for disagreements")));
    }

    private static final String FRAMES = "application/x-pocketgrid-tensors";

    private static Operation input() {
        return volunteerCall("taskInput", "A task's inputs", """
                With Accept: application/x-pocketgrid-tensors, the lease's inputs as one tensor frame (docs/protocol.md:                 PGT1, count, then name, ONNX element type, dims and little-endian data per tensor). Without it, raw                 little-endian float32 with the dims in X-Tensor-Dims, for clients of the first protocol; only a                 project of one float32 input and output answers so, any other 406 OLD_CLIENT.""")
                .addParametersItem(pathId("taskId"))
                .addParametersItem(headerParameter("Accept", false, FRAMES + " for a tensor frame"))
                .responses(new ApiResponses()
                        .addApiResponse("200", new ApiResponse().description("The input tensors")
                                .content(new Content().addMediaType(FRAMES, binary())
                                        .addMediaType("application/octet-stream", binary()))
                                .addHeaderObject("X-Tensor-Dims", header("Raw answers only: comma-separated dims, e.g. 32,1,28,28")))
                        .addApiResponse("400", error("BAD_PARAMETER"))
                        .addApiResponse("401", error("UNAUTHORIZED"))
                        .addApiResponse("404", error("UNKNOWN_TASK"))
                        .addApiResponse("406", error("OLD_CLIENT: this task needs tensor frames")));
    }

    private static Operation result() {
        return volunteerCall("submitResult", "Send a lease's outputs", """
                The body is the lease's outputs as one tensor frame (Content-Type application/x-pocketgrid-tensors):                 exactly the tensors the lease lists, in its order, each of its element type and dims. Clients of the                 first protocol may send raw little-endian float32 (application/octet-stream, dims in X-Tensor-Dims)                 for a project of one float32 output; any other answers 415 OLD_CLIENT. PENDING: waiting for other                 replicas (credit follows if they agree); VALID: credited now; INVALID or DISCARDED: no credit.""")
                .addParametersItem(pathId("leaseId"))
                .addParametersItem(headerParameter("X-Lease-Token", true, "The lease's token from the lease answer"))
                .addParametersItem(headerParameter("X-Tensor-Dims", false, "Raw bodies only: the outputs' dims, e.g. 32,10"))
                .addParametersItem(new Parameter().in("header").name("X-Elapsed-Ms").required(false)
                        .description("How long the device computed, in milliseconds").schema(new IntegerSchema()))
                .requestBody(new RequestBody().required(true)
                        .content(new Content().addMediaType(FRAMES, binary()).addMediaType("application/octet-stream", binary())))
                .responses(new ApiResponses()
                        .addApiResponse("200", new ApiResponse().description("The receipt").content(json("Receipt")))
                        .addApiResponse("400", error("SHAPE_MISMATCH, NON_FINITE, MISSING_HEADER, BAD_PARAMETER"))
                        .addApiResponse("401", error("UNAUTHORIZED"))
                        .addApiResponse("403", error("BAD_LEASE_TOKEN or NOT_YOUR_LEASE"))
                        .addApiResponse("404", error("UNKNOWN_LEASE"))
                        .addApiResponse("409", error("ALREADY_SUBMITTED"))
                        .addApiResponse("410", error("LEASE_EXPIRED"))
                        .addApiResponse("413", error("TOO_LARGE"))
                        .addApiResponse("415", error("OLD_CLIENT: this task's result needs a tensor frame"))
                        .addApiResponse("429", error("RATE_LIMITED, with Retry-After")));
    }

    private static Operation release() {
        return volunteerCall("releaseLease", "Give a lease back unfinished", "Its task goes to someone else at once"
                + " instead of at the lease's deadline. A lease that already ended has nothing to give back (204 too).")
                .addParametersItem(pathId("leaseId"))
                .addParametersItem(headerParameter("X-Lease-Token", true, "The lease's token"))
                .responses(new ApiResponses()
                        .addApiResponse("204", new ApiResponse().description("Given back"))
                        .addApiResponse("401", error("UNAUTHORIZED"))
                        .addApiResponse("403", error("BAD_LEASE_TOKEN or NOT_YOUR_LEASE"))
                        .addApiResponse("404", error("UNKNOWN_LEASE")));
    }

    private static Operation volunteerCall(String id, String summary, String description) {
        return new Operation().operationId(id).summary(summary).description(description).addTagsItem(TAG)
                .addSecurityItem(new SecurityRequirement().addList(OpenApiConfig.BEARER));
    }

    private static Parameter pathId(String name) {
        return new Parameter().in("path").name(name).required(true).schema(new IntegerSchema().format("int64"));
    }

    private static Content json(String schema) {
        return new Content().addMediaType("application/json",
                new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + schema)));
    }
}
