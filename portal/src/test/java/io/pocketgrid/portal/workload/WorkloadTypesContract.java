package io.pocketgrid.portal.workload;

import static io.pocketgrid.worker.engine.OnnxBuilder.i;
import static io.pocketgrid.worker.engine.OnnxBuilder.names;
import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.support.ApiClient;
import io.pocketgrid.portal.support.ApiClient.Part;
import io.pocketgrid.portal.support.ApiClient.Response;
import io.pocketgrid.sim.Behaviour;
import io.pocketgrid.sim.HttpWorkServer;
import io.pocketgrid.sim.PortalHttp;
import io.pocketgrid.sim.VolunteerLog;
import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.engine.Npy;
import io.pocketgrid.worker.engine.OnnxBuilder;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.loop.Lease;
import io.pocketgrid.worker.loop.StepOutcome;
import io.pocketgrid.worker.loop.TensorFrames;
import io.pocketgrid.worker.loop.WorkerLoop;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Workloads as owners have them (issue 13), on a real portal and database: a model with int64 token
 * ids, an int64 mask and a float16 input, giving a float32 class vector, an int64 count and a
 * float16 output; posted as an {@code .npz} or as one {@code .npy} per input; computed by JVM
 * workers speaking tensor frames through the whole loop; results equal to the engine's, as an
 * {@code .npz}. Bad uploads are refused naming the input; a client of the first protocol is refused
 * clearly and changes nothing.
 */
abstract class WorkloadTypesContract {

    static final int ITEMS = 24;
    static final int TOKENS = 4;

    @Value("${local.server.port}")
    int port;

    @Autowired
    JdbcTemplate jdbc;

    ApiClient api;
    String owner;

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
        owner = api.ownerToken("grace" + System.nanoTime() % 1_000_000);
    }

    /** Each test's volunteers must only find that test's project. */
    @AfterEach
    void stopProjects() {
        jdbc.update("UPDATE project SET status = 'CANCELLED' WHERE status IN ('RUNNING', 'PAUSED')");
    }

    /**
     * ids, mask (int64 [n, 4]) and scale (float16 [n, 2]) → logits = float(ids × mask) (float32 [n, 4],
     * a class vector), count = Σ mask (int64 [n]), doubled = scale + scale (float16 [n, 2]).
     */
    static byte[] model() {
        return new OnnxBuilder(13)
                .input("ids", Tensor.Type.INT64, -1, TOKENS).input("mask", Tensor.Type.INT64, -1, TOKENS)
                .input("scale", Tensor.Type.FLOAT16, -1, 2)
                .output("logits", -1, TOKENS).output("count", Tensor.Type.INT64, -1)
                .output("doubled", Tensor.Type.FLOAT16, -1, 2)
                .initializer("axis", Tensor.ofLongs(new long[] {1}, 1))
                .node("Mul", names("ids", "mask"), names("masked"))
                .node("Cast", names("masked"), names("logits"), i("to", 1))
                .node("ReduceSum", names("mask", "axis"), names("count"), i("keepdims", 0))
                .node("Add", names("scale", "scale"), names("doubled"))
                .build();
    }

    static Map<String, Tensor> inputs(int items) {
        long[] ids = new long[items * TOKENS];
        long[] mask = new long[items * TOKENS];
        float[] scale = new float[items * 2];
        for (int n = 0; n < items; n++) {
            int length = 1 + n % TOKENS;
            for (int t = 0; t < TOKENS; t++) {
                ids[n * TOKENS + t] = 100 + (n * 7 + t * 13) % 50;
                mask[n * TOKENS + t] = t < length ? 1 : 0;
            }
            scale[2 * n] = 0.5f + n;
            scale[2 * n + 1] = -1.25f * n;
        }
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputs.put("ids", Tensor.ofLongs(ids, items, TOKENS));
        inputs.put("mask", Tensor.ofLongs(mask, items, TOKENS));
        inputs.put("scale", Tensor.ofFloats(Tensor.Type.FLOAT16, scale, items, 2));
        return inputs;
    }

    @Test
    void anNpzProjectOfIntAndHalfInputsIsComputedByTwoVolunteersIntoTheEnginesResults() throws IOException {
        byte[] model = model();
        Map<String, Tensor> inputs = inputs(ITEMS);
        Response created = api.multipart("/api/v1/projects", owner, List.of(
                new Part("model", "model.onnx", null, model),
                new Part("inputs", "inputs.npz", null, npz(inputs)),
                new Part("settings", null, "application/json",
                        "{\"name\":\"Tokens\",\"inputsPerTask\":5,\"replication\":2,\"quorum\":2}".getBytes())));
        assertThat(created.status()).as(new String(created.body())).isEqualTo(201);
        JsonNode project = created.json();
        long id = project.get("id").asLong();
        assertThat(project.get("tasks").asInt()).isEqualTo(5);
        assertThat(project.get("inputs").findValuesAsString("name")).containsExactly("ids", "mask", "scale");
        assertThat(project.get("inputs").findValuesAsString("dtype")).containsExactly("int64", "int64", "float16");
        assertThat(project.get("outputs").findValuesAsString("name")).containsExactly("logits", "count", "doubled");
        assertThat(project.get("outputs").findValuesAsString("dtype")).containsExactly("float32", "int64", "float16");

        // two volunteers, each running the real worker loop over tensor frames until the work is done
        List<WorkerLoop> loops = List.of(loop(), loop());
        Lease seen = null;
        long until = System.currentTimeMillis() + 60_000;
        while (!completed(id) && System.currentTimeMillis() < until) {
            for (WorkerLoop loop : loops) {
                if (loop.step() == StepOutcome.COMPLETED && seen == null) {
                    seen = lastLease;
                }
            }
        }
        assertThat(completed(id)).as("the project completed").isTrue();
        assertThat(seen.inputs()).extracting(s -> s.type()).containsExactly(Tensor.Type.INT64, Tensor.Type.INT64,
                Tensor.Type.FLOAT16);
        assertThat(seen.outputs()).extracting(s -> s.name()).containsExactly("logits", "count", "doubled");

        Response results = api.get("/api/v1/projects/" + id + "/results", owner);
        assertThat(results.status()).isEqualTo(200);
        assertThat(results.missingRows()).isEmpty();
        assertThat(results.header("Content-Disposition")).contains(".npz");
        Map<String, Tensor> got = readNpz(results.body());
        Map<String, Tensor> expected = Model.load(model).run(inputs);
        assertThat(got.keySet()).containsExactly("logits", "count", "doubled");
        assertThat(got.get("logits").floats()).containsExactly(expected.get("logits").floats());
        assertThat(got.get("count").type()).isEqualTo(Tensor.Type.INT64);
        assertThat(got.get("count").longs()).containsExactly(expected.get("count").longs());
        assertThat(got.get("doubled").type()).isEqualTo(Tensor.Type.FLOAT16);
        assertThat(got.get("doubled").floats()).containsExactly(expected.get("doubled").floats());
        // two agreeing replicas per task, each credited
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM result r JOIN task t ON t.id = r.task_id"
                + " WHERE t.project_id = ? AND r.status = 'VALID'", Integer.class, id)).isEqualTo(10);
    }

    @Test
    void partsPerInputAndAChosenOutputGiveOneNpyOfThatOutput() {
        byte[] model = model();
        Map<String, Tensor> inputs = inputs(10);
        List<Part> parts = new ArrayList<>();
        parts.add(new Part("model", "model.onnx", null, model));
        inputs.forEach((name, t) -> parts.add(new Part("input:" + name, name + ".npy", null, Npy.write(t))));
        parts.add(new Part("settings", null, "application/json",
                "{\"inputsPerTask\":4,\"replication\":1,\"quorum\":1,\"outputs\":[\"count\"]}".getBytes()));
        Response created = api.multipart("/api/v1/projects", owner, parts);
        assertThat(created.status()).as(new String(created.body())).isEqualTo(201);
        long id = created.json().get("id").asLong();
        assertThat(created.json().get("outputs").findValuesAsString("name")).containsExactly("count");

        WorkerLoop loop = loop();
        long until = System.currentTimeMillis() + 60_000;
        while (!completed(id) && System.currentTimeMillis() < until) {
            loop.step();
        }
        assertThat(completed(id)).isTrue();
        Response results = api.get("/api/v1/projects/" + id + "/results", owner);
        Tensor count = Npy.read(results.body());
        assertThat(count.type()).isEqualTo(Tensor.Type.INT64);
        assertThat(count.longs()).containsExactly(Model.load(model).run(inputs).get("count").longs());
    }

    @Test
    void badInputsAreRefusedNamingTheInputAndLeaveNoProject() throws IOException {
        byte[] model = model();
        Map<String, Tensor> good = inputs(6);
        int before = jdbc.queryForObject("SELECT COUNT(*) FROM project", Integer.class);

        Map<String, Tensor> wrongType = new LinkedHashMap<>(good);
        wrongType.put("ids", Tensor.ofLongs(Tensor.Type.INT32, good.get("ids").longs(), 6, TOKENS));
        Response r = post(model, npz(wrongType), null);
        assertThat(r.error()).isEqualTo("INPUT_MISMATCH");
        assertThat(r.json().get("message").asString()).contains("ids", "int64", "int32");

        Map<String, Tensor> missing = new LinkedHashMap<>(good);
        missing.remove("mask");
        r = post(model, npz(missing), null);
        assertThat(r.error()).isEqualTo("MISSING_INPUT");
        assertThat(r.json().get("message").asString()).contains("mask");

        Map<String, Tensor> fewer = new LinkedHashMap<>(good);
        fewer.put("scale", inputs(5).get("scale"));
        r = post(model, npz(fewer), null);
        assertThat(r.error()).isEqualTo("INPUT_MISMATCH");
        assertThat(r.json().get("message").asString()).contains("scale", "5 items");

        Map<String, Tensor> unknown = new LinkedHashMap<>(good);
        unknown.put("attention", good.get("mask"));
        assertThat(post(model, npz(unknown), null).error()).isEqualTo("UNKNOWN_INPUT");
        assertThat(post(model, Npy.write(good.get("ids")), null).error()).as("one .npy for three inputs")
                .isEqualTo("MISSING_INPUT");
        assertThat(post(model, npz(good), "{\"outputs\":[\"probabilities\"]}").error()).isEqualTo("UNKNOWN_OUTPUT");

        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM project", Integer.class)).isEqualTo(before);
    }

    @Test
    void aClientOfTheFirstProtocolIsRefusedClearlyAndChangesNothing() throws IOException, InterruptedException {
        Response created = post(model(), npz(inputs(4)), "{\"inputsPerTask\":4,\"replication\":1,\"quorum\":1}");
        assertThat(created.status()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        String volunteer = api.registerVolunteer();
        JsonNode lease = api.postJson("/api/v1/work/lease", volunteer, "{}").json();
        long leaseId = lease.get("leaseId").asLong();

        Response input = api.get(lease.get("inputUrl").asString(), volunteer);
        assertThat(input.status()).isEqualTo(406);
        assertThat(input.error()).isEqualTo("OLD_CLIENT");
        Response result = api.send("POST", "/api/v1/work/" + leaseId + "/result", Map.of(
                "Authorization", "Bearer " + volunteer, "X-Lease-Token", lease.get("leaseToken").asString(),
                "X-Tensor-Dims", "4,4", "Content-Type", "application/octet-stream"), new byte[64]);
        assertThat(result.status()).isEqualTo(415);
        assertThat(result.error()).isEqualTo("OLD_CLIENT");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM result r JOIN task t ON t.id = r.task_id WHERE t.project_id = ?",
                Integer.class, id)).isZero();

        // the same lease, asked and answered with frames, goes through
        Response framed = api.send("GET", lease.get("inputUrl").asString(), Map.of("Authorization", "Bearer " + volunteer,
                "Accept", TensorFrames.MEDIA_TYPE), null);
        assertThat(framed.status()).isEqualTo(200);
        Map<String, Tensor> in = TensorFrames.decode(framed.body());
        assertThat(in.keySet()).containsExactly("ids", "mask", "scale");
        Map<String, Tensor> out = Model.load(model()).run(in);
        Response accepted = api.send("POST", "/api/v1/work/" + leaseId + "/result", Map.of(
                "Authorization", "Bearer " + volunteer, "X-Lease-Token", lease.get("leaseToken").asString(),
                "Content-Type", TensorFrames.MEDIA_TYPE), TensorFrames.encode(out));
        assertThat(accepted.status()).as(new String(accepted.body())).isEqualTo(200);
        // the server's spot check of this lone result runs off the request path: the project completes after it
        long until = System.currentTimeMillis() + 30_000;
        while (!completed(id) && System.currentTimeMillis() < until) {
            Thread.sleep(50);
        }
        assertThat(completed(id)).isTrue();
    }

    private Lease lastLease;

    /** A volunteer of its own running the worker loop with the JVM engine, over the simulator's HTTP client. */
    private WorkerLoop loop() {
        PortalHttp http = new PortalHttp();
        URI base = URI.create("http://localhost:" + port);
        VolunteerLog log = new VolunteerLog(0, Behaviour.HONEST);
        HttpWorkServer server = new HttpWorkServer(http, base, HttpWorkServer.register(http, base, log).token(), log);
        return new WorkerLoop(new io.pocketgrid.worker.loop.WorkServer() {
            @Override
            public Lease lease() {
                Lease l = server.lease();
                lastLease = l == null ? lastLease : l;
                return l;
            }

            @Override
            public byte[] model(Lease lease) {
                return server.model(lease);
            }

            @Override
            public Map<String, Tensor> input(Lease lease) {
                return server.input(lease);
            }

            @Override
            public void submit(Lease lease, Map<String, Tensor> outputs, long elapsedMs) {
                server.submit(lease, outputs, elapsedMs);
            }
        }, System::currentTimeMillis);
    }

    private boolean completed(long id) {
        return "COMPLETED".equals(api.get("/api/v1/projects/" + id, null).json().get("status").asString());
    }

    private Response post(byte[] model, byte[] inputs, String settings) {
        List<Part> parts = new ArrayList<>();
        parts.add(new Part("model", "model.onnx", null, model));
        parts.add(new Part("inputs", "inputs.npz", null, inputs));
        if (settings != null) {
            parts.add(new Part("settings", null, "application/json", settings.getBytes()));
        }
        return api.multipart("/api/v1/projects", owner, parts);
    }

    /** As numpy.savez_compressed writes it: one deflated {@code <name>.npy} per array. */
    static byte[] npz(Map<String, Tensor> arrays) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                zip.write(Npy.write(e.getValue()));
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    static Map<String, Tensor> readNpz(byte[] npz) throws IOException {
        Map<String, Tensor> arrays = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(npz))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                arrays.put(e.getName().replaceFirst("\\.npy$", ""), Npy.read(zip.readAllBytes()));
            }
        }
        return arrays;
    }
}
