package io.pocketgrid.portal.api;

import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.BinarySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * The OpenAPI document at {@code /api/docs} (springdoc reads the controllers; the worker's hot calls,
 * served by a servlet filter, are added by {@code WorkApiDocs}). Here: what every call shares — the
 * {@code {error, message}} body of every refusal, bearer tokens instead of an {@code Authorization}
 * parameter, and the binary and CSV bodies that springdoc cannot see behind a streamed response.
 */
@Configuration
public class OpenApiConfig {

    /** The name of the bearer security scheme (volunteer tokens and owner API tokens). */
    public static final String BEARER = "bearer";
    /** The reference to the error body's schema. */
    public static final String ERROR_REF = "#/components/schemas/ApiError";

    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    OpenApiCustomizer sharedApiDocs() {
        return api -> {
            api.info(new Info().title("PocketGrid API").version("v1").description("""
                    The portal's REST API: volunteers (register, lease, input, result), owners (projects, results),
                    statistics and the reward ledger. Tensors travel as raw little-endian float32 in C order with
                    their dims in `X-Tensor-Dims`; every refusal is a 4xx or 5xx with `{"error": CODE, "message": …}`.
                    Guides: docs/ in the repository."""));
            Components components = api.getComponents() == null ? new Components() : api.getComponents();
            api.components(components);
            components.addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                    .description("A volunteer token (`POST /api/v1/volunteers`) for the worker calls, an owner API token"
                            + " (`POST /api/v1/auth/tokens`, `pgo_…`) for the owner calls."));
            ModelConverters.getInstance().readAll(ApiError.class).forEach(components::addSchemas);
            components.getSchemas().get("ApiError").description("""
                    The body of every refused call. `error` is a stable code: INVALID_JSON, BAD_PARAMETER, \
                    MISSING_HEADER, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, METHOD_NOT_ALLOWED, UNKNOWN_LEASE, \
                    LEASE_EXPIRED, BAD_LEASE_TOKEN, NOT_YOUR_LEASE, ALREADY_SUBMITTED, SHAPE_MISMATCH, NON_FINITE, \
                    TOO_LARGE, RATE_LIMITED (429, with Retry-After), BANNED, IGNORED, BAD_MODEL, UNSUPPORTED_OP, \
                    BAD_NPY, INPUT_MISMATCH, UNKNOWN_MODEL, UNKNOWN_TASK, UNKNOWN_EPOCH, UNKNOWN_ACCOUNT, \
                    LEDGER_UNAVAILABLE (503), INTERNAL (500); `message` says what was wrong for a person.""");
            if (api.getPaths() == null) {
                return;
            }
            api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
                bearerInsteadOfHeader(op);
                describeBodies(path, method, op);
                errors(op);
            }));
        };
    }

    /** An {@code Authorization} header parameter becomes the bearer security requirement. */
    private static void bearerInsteadOfHeader(Operation op) {
        if (op.getParameters() != null && op.getParameters().removeIf(
                p -> "header".equals(p.getIn()) && "Authorization".equalsIgnoreCase(p.getName()))) {
            op.addSecurityItem(new SecurityRequirement().addList(BEARER));
        }
    }

    /** Streamed and resource bodies that springdoc describes as JSON objects. */
    private static void describeBodies(String path, PathItem.HttpMethod method, Operation op) {
        if (method != PathItem.HttpMethod.GET) {
            return;
        }
        if (path.equals("/api/v1/models/{sha256}")) {
            ok(op, "The ONNX file, immutable (cache it forever; ETag is its SHA-256).",
                    new Content().addMediaType("application/octet-stream", binary()));
        } else if (path.equals("/api/v1/projects/{id}/results")) {
            ApiResponse r = ok(op, "The outputs as one NumPy `.npy` (float32, C order, first axis = input item, input"
                    + " order); rows not validated yet are NaN.", new Content().addMediaType("application/octet-stream", binary()));
            r.addHeaderObject("X-Missing-Rows", header("The NaN rows as `start-end` ranges, comma separated; empty when"
                    + " every row is there"));
            r.addHeaderObject("X-Project-Status", header("The project's status (RUNNING, COMPLETED, INCOMPLETE, …)"));
        } else if (path.equals("/api/v1/epochs/{epoch}/leaves")) {
            ok(op, "Every leaf of the epoch: the canonical CSV `accountId,payout,amount` (its Keccak-256 is the epoch's"
                    + " export hash), or JSON `{epoch, root, leaves: [{accountId, payout, amount}]}` with `?format=json`"
                    + " or `Accept: application/json`.", new Content()
                    .addMediaType("text/csv", new MediaType().schema(new StringSchema()))
                    .addMediaType("application/json", new MediaType().schema(new Schema<>().type("object"))));
        } else if (path.startsWith("/api/v1/stats/")) {
            ok(op, "Rows as a JSON array, or CSV with `?format=csv`.", new Content()
                    .addMediaType("application/json", new MediaType().schema(new Schema<>().type("array")
                            .items(new Schema<>().type("object"))))
                    .addMediaType("text/csv", new MediaType().schema(new StringSchema())));
        }
    }

    private static ApiResponse ok(Operation op, String description, Content content) {
        ApiResponse r = new ApiResponse().description(description).content(content);
        if (op.getResponses() == null) {
            op.setResponses(new ApiResponses());
        }
        op.getResponses().addApiResponse("200", r);
        return r;
    }

    /** Every operation may be refused with the error body; specific codes listed by an operation stay. */
    private static void errors(Operation op) {
        if (op.getResponses() == null) {
            op.setResponses(new ApiResponses());
        }
        for (Map.Entry<String, ApiResponse> e : op.getResponses().entrySet()) {
            if (e.getKey().startsWith("4") || e.getKey().startsWith("5")) {
                e.getValue().content(errorContent());
            }
        }
        op.getResponses().putIfAbsent("4XX", error("Refused: the body says why (`error` is a stable code)."));
        op.getResponses().putIfAbsent("5XX", error("The server failed; the call changed nothing."));
    }

    /** A refusal with the {@code {error, message}} body. */
    public static ApiResponse error(String description) {
        return new ApiResponse().description(description).content(errorContent());
    }

    private static Content errorContent() {
        return new Content().addMediaType("application/json", new MediaType().schema(new Schema<>().$ref(ERROR_REF)));
    }

    /** A raw binary body. */
    public static MediaType binary() {
        return new MediaType().schema(new BinarySchema());
    }

    /** A response header of type string. */
    public static io.swagger.v3.oas.models.headers.Header header(String description) {
        return new io.swagger.v3.oas.models.headers.Header().description(description).schema(new StringSchema());
    }

    /** A required header parameter of type string. */
    public static Parameter headerParameter(String name, boolean required, String description) {
        return new Parameter().in("header").name(name).required(required).description(description)
                .schema(new StringSchema());
    }
}
