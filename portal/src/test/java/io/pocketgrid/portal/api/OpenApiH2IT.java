package io.pocketgrid.portal.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.support.ApiClient;
import io.pocketgrid.portal.support.ApiClient.Response;
import io.pocketgrid.portal.support.PortalProperties;
import io.pocketgrid.portal.support.TempDirs;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The OpenAPI document at /api/docs: it is valid OpenAPI 3, lists every REST controller's call and the
 * worker filter's calls (which Spring MVC never sees), describes refusals and binary bodies, and Swagger
 * UI serves it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OpenApiH2IT {

    /** The calls {@code WorkApiFilter} answers, by method and path. */
    private static final Map<String, String> WORKER_CALLS = Map.of(
            "/api/v1/work/lease", "POST",
            "/api/v1/tasks/{taskId}/input", "GET",
            "/api/v1/work/{leaseId}/result", "POST",
            "/api/v1/work/{leaseId}/release", "POST");

    @Value("${local.server.port}")
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    static OpenAPI spec;
    static String json;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        PortalProperties.noDemoNoLedger(registry, TempDirs.create("pocketgrid-openapi-it"));
    }

    @BeforeAll
    static void reset() {
        spec = null;
    }

    private OpenAPI spec() {
        if (spec == null) {
            Response r = new ApiClient(port).get("/api/docs", null);
            assertThat(r.status()).isEqualTo(200);
            json = new String(r.body(), StandardCharsets.UTF_8);
            SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(json);
            assertThat(parsed.getMessages()).as("the parser's complaints").isEmpty();
            spec = parsed.getOpenAPI();
        }
        return spec;
    }

    @Test
    void isValidOpenApi3() {
        assertThat(spec().getOpenapi()).startsWith("3.");
        assertThat(spec().getInfo().getTitle()).isEqualTo("PocketGrid API");
        assertThat(spec().getComponents().getSecuritySchemes()).containsKey("bearer");
    }

    @Test
    void listsEveryRestControllerCall() {
        Set<String> served = new TreeSet<>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            if (!method.getBeanType().getPackageName().startsWith("io.pocketgrid")) {
                return;
            }
            for (String path : info.getPatternValues()) {
                for (RequestMethod m : info.getMethodsCondition().getMethods()) {
                    served.add(m.name() + " " + path);
                }
            }
        });
        assertThat(served).as("the controllers' calls").hasSizeGreaterThan(20)
                .contains("POST /api/v1/projects", "GET /api/v1/epochs/{epoch}/proof/{accountId}");
        Set<String> documented = documented();
        assertThat(documented).containsAll(served);
        WORKER_CALLS.forEach((path, method) -> assertThat(documented).contains(method + " " + path));
        Set<String> extra = new TreeSet<>(documented);
        extra.removeAll(served);
        WORKER_CALLS.forEach((path, method) -> extra.remove(method + " " + path));
        assertThat(extra).as("documented calls that nothing serves").isEmpty();
    }

    /** The documented worker calls are the ones the filter answers: each refuses a missing token, none is a 404. */
    @Test
    void documentsTheWorkerFiltersCallsItAnswers() {
        ApiClient api = new ApiClient(port);
        WORKER_CALLS.forEach((path, method) -> {
            Response r = api.send(method, path.replace("{taskId}", "1").replace("{leaseId}", "1"), Map.of(), null);
            assertThat(r.status()).as(method + " " + path).isEqualTo(401);
            assertThat(r.error()).isEqualTo("UNAUTHORIZED");
            Operation op = spec().getPaths().get(path).readOperationsMap().get(PathItem.HttpMethod.valueOf(method));
            assertThat(op.getSecurity()).as("needs the volunteer token").isNotEmpty();
            assertThat(op.getResponses()).containsKey("401");
        });
        Operation result = spec().getPaths().get("/api/v1/work/{leaseId}/result").getPost();
        assertThat(result.getRequestBody().getContent().get("application/octet-stream").getSchema().getFormat())
                .isEqualTo("binary");
        assertThat(result.getParameters()).extracting(p -> p.getName())
                .contains("leaseId", "X-Lease-Token", "X-Tensor-Dims", "X-Elapsed-Ms");
        assertThat(spec().getPaths().get("/api/v1/work/lease").getPost().getResponses().get("200").getContent()
                .get("application/json").getSchema().get$ref()).endsWith("/Lease");
        assertThat(spec().getComponents().getSchemas().get("Lease").getProperties())
                .containsKeys("leaseId", "leaseToken", "inputUrl", "inputDims", "outputDims", "deadline");
    }

    @Test
    void refusalsHaveTheErrorBodyAndBinaryBodiesAreBinary() {
        assertThat(spec().getComponents().getSchemas().get("ApiError").getProperties()).containsOnlyKeys("error", "message");
        spec().getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
            assertThat(op.getResponses().keySet()).as(method + " " + path).anyMatch(c -> c.startsWith("4"));
            op.getResponses().forEach((code, response) -> {
                if (code.startsWith("4") || code.startsWith("5")) {
                    assertThat(response.getContent().get("application/json").getSchema().get$ref())
                            .as(method + " " + path + " " + code).isEqualTo(OpenApiConfig.ERROR_REF);
                }
            });
            if (op.getParameters() != null) {
                assertThat(op.getParameters()).as("bearer tokens are a security scheme, not a parameter")
                        .noneMatch(p -> p.getName().equalsIgnoreCase("Authorization"));
            }
        }));
        assertThat(spec().getPaths().get("/api/v1/models/{sha256}").getGet().getResponses().get("200").getContent()
                .get("application/octet-stream").getSchema().getFormat()).isEqualTo("binary");
        assertThat(spec().getPaths().get("/api/v1/projects/{id}/results").getGet().getResponses().get("200")
                .getHeaders()).containsKey("X-Missing-Rows");
        var create = spec().getPaths().get("/api/v1/projects").getPost();
        assertThat(create.getSecurity()).isNotEmpty();
        var multipart = create.getRequestBody().getContent().get("multipart/form-data").getSchema();
        // inputs come as one 'inputs' part or as parts 'input:<name>', so only the model is required
        assertThat(multipart.getRequired()).containsExactly("model");
        assertThat(multipart.getProperties()).containsKeys("model", "inputs", "labels", "settings");
    }

    @Test
    void swaggerUiServesTheDocument() {
        ApiClient api = new ApiClient(port);
        Response ui = api.get("/api/docs/swagger-ui/index.html", null);
        assertThat(ui.status()).isEqualTo(200);
        assertThat(new String(ui.body(), StandardCharsets.UTF_8)).containsIgnoringCase("swagger");
        Response config = api.get("/api/docs/swagger-config", null);
        assertThat(config.status()).isEqualTo(200);
        assertThat(config.json().get("url").asString()).isEqualTo("/api/docs");
        Response entry = api.get("/api/docs/ui", null);
        assertThat(entry.status()).as("redirects to the UI").isEqualTo(302);
        assertThat(entry.header("Location")).isEqualTo("/api/docs/swagger-ui/index.html");
        Response initializer = api.get("/api/docs/swagger-ui/swagger-initializer.js", null);
        assertThat(initializer.status()).isEqualTo(200);
        assertThat(new String(initializer.body(), StandardCharsets.UTF_8)).as("points at our document, not the petstore")
                .contains("/api/docs/swagger-config").doesNotContain("petstore");
    }

    private Set<String> documented() {
        Set<String> calls = new TreeSet<>();
        spec().getPaths().forEach((path, item) -> item.readOperationsMap().keySet()
                .forEach(m -> calls.add(m.name() + " " + path)));
        return calls;
    }
}
