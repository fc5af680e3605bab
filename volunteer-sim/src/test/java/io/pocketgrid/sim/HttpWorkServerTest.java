package io.pocketgrid.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.loop.Lease;
import io.pocketgrid.worker.loop.WorkServerException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpWorkServerTest {

    @Test
    void speaksTheWorkerProtocolAndRecordsEveryCall() throws Exception {
        try (FakePortal portal = new FakePortal(1)) {
            PortalHttp http = new PortalHttp();
            VolunteerLog log = new VolunteerLog(0, Behaviour.HONEST);
            HttpWorkServer.Registration reg = HttpWorkServer.register(http, portal.uri(), log);
            assertThat(reg.volunteerId()).isEqualTo("v1");
            HttpWorkServer server = new HttpWorkServer(http, portal.uri(), reg.token(), log);

            Lease lease = server.lease();
            assertThat(lease.leaseId()).isEqualTo(1);
            assertThat(lease.taskId()).isEqualTo(101);
            assertThat(lease.inputs()).singleElement().satisfies(spec -> {
                assertThat(spec.name()).isEqualTo("input");
                assertThat(spec.dims()).containsExactly(2, 3);
            });
            assertThat(lease.outputDims()).containsExactly(2, 10);
            assertThat(server.input(lease).get("input").floats()).hasSize(6);

            Map<String, Tensor> zeros = Map.of("logits", Tensor.zeros(Tensor.Type.FLOAT, 2, 10));
            WorkServerException forged = catchThrowableOfType(WorkServerException.class,
                    () -> server.send(Tamper.FORGED_TOKEN.apply(lease, zeros)));
            assertThat(forged.status()).isEqualTo(403);
            assertThat(forged.code()).isEqualTo("BAD_LEASE_TOKEN");

            Receipt receipt = server.send(Submission.of(lease, zeros, 5));
            assertThat(receipt).isEqualTo(new Receipt("PENDING", true, 0));
            assertThat(server.lease()).isNull();

            assertThat(log.calls()).extracting(Call::kind, Call::status, Call::outcome).containsExactly(
                    tuple(Call.Kind.REGISTER, 201, null),
                    tuple(Call.Kind.LEASE, 200, null),
                    tuple(Call.Kind.INPUT, 200, null),
                    tuple(Call.Kind.RESULT, 403, "BAD_LEASE_TOKEN"),
                    tuple(Call.Kind.RESULT, 200, "PENDING"),
                    tuple(Call.Kind.LEASE, 204, null));
        }
    }

    @Test
    void anErrorPageThatIsNotJsonBecomesItsStatus() throws Exception {
        try (FakePortal portal = new FakePortal(1)) {
            PortalHttp http = new PortalHttp();
            portal.failLeaseWith = 502;
            VolunteerLog log = new VolunteerLog(0, Behaviour.HONEST);
            HttpWorkServer server = new HttpWorkServer(http, portal.uri(), "t", log);
            WorkServerException e = catchThrowableOfType(WorkServerException.class, server::lease);
            assertThat(e.status()).isEqualTo(502);
            assertThat(e.code()).isEqualTo("HTTP_502");
        }
    }

    @Test
    void maliciousVolunteersAreRefusedOrJudgedAndTheRunStopsWhenIdle() throws Exception {
        try (FakePortal portal = new FakePortal(200)) {
            List<Behaviour> volunteers = List.of(Behaviour.RANDOM_OUTPUTS, Behaviour.COPY_OTHER, Behaviour.FORGED_TOKEN,
                    Behaviour.EXPIRED_TOKEN, Behaviour.WRONG_SHAPE, Behaviour.NAN, Behaviour.CRASHING);
            SimulationResult result = new VolunteerSimulator(SimulationSettings.of(portal.uri(), volunteers)
                    .withUntilIdle(Duration.ofMillis(400)).withIdlePoll(Duration.ofMillis(50))
                    .withCrashPause(Duration.ofMillis(10)).withDuration(Duration.ofSeconds(20))).run();
            SimulationReport report = result.report();

            assertThat(result.stopReason()).startsWith("no work");
            assertThat(report.tasksCompleted()).isEqualTo(portal.submitted()).isPositive();
            assertThat(report.receipts("PENDING")).isEqualTo(portal.submitted());
            assertThat(report.refusals()).containsOnlyKeys("result 403 BAD_LEASE_TOKEN", "result 400 SHAPE_MISMATCH",
                    "result 400 NON_FINITE");
            assertThat(report.failures()).isEmpty();
            assertThat(report.latency()).containsKeys(Call.Kind.LEASE, Call.Kind.RESULT);
            assertThat(result.volunteers(Behaviour.CRASHING).getFirst().tasksCompleted()).isZero();
            assertThat(report.format()).contains("tasks completed", "result 403 BAD_LEASE_TOKEN=", "round trips/s");
        }
    }
}
