package io.pocketgrid.ledger.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.http.HttpService;

/**
 * Anvil's life is bound to the JVM that started it, and one live node at a time writes a state file: the
 * fault drill that killed the portal with SIGKILL left anvil running, and such orphans kept dumping old
 * chain states over the new node's file.
 */
class AnvilLifetimeIT {

    private static final String ADDRESS = "0x00000000000000000000000000000000000beef1";
    private static final Pattern LISTENING = Pattern.compile("Listening on [0-9.]+:(\\d+)");

    @TempDir
    Path dir;

    private Process child;
    private ProcessHandle anvil;

    @AfterEach
    void stopLeftovers() {
        if (child != null) {
            child.destroyForcibly();
        }
        if (anvil != null) {
            anvil.destroyForcibly();
        }
    }

    @Test
    void anvilDiesWithTheJvmThatStartedItEvenOnSigkill() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-D" + AnvilNode.PATH_PROPERTY + "=" + AnvilNode.locateBinary(), AnvilHolder.class.getName(),
                dir.resolve("state.json").toString())
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        String[] ready = awaitReady(child);
        anvil = ProcessHandle.of(Long.parseLong(ready[1])).orElseThrow();
        int port = Integer.parseInt(ready[2]);
        assertThat(AnvilNode.accepts("127.0.0.1", port)).isTrue();
        assertThatThrownBy(() -> AnvilNode.builder().stateFile(dir.resolve("state.json")).start().close())
                .as("the holder JVM lives: its node keeps the state file").isInstanceOf(IllegalStateException.class);
        assertThat(anvil.isAlive()).isTrue();

        child.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

        assertThat(anvil.onExit().completeOnTimeout(null, 15, TimeUnit.SECONDS).get())
                .as("anvil %d exits after its JVM was killed", anvil.pid()).isNotNull();
        assertThat(anvil.isAlive()).isFalse();
        assertThat(AnvilNode.accepts("127.0.0.1", port)).isFalse();
    }

    @Test
    void aStartTakesOverTheStateFileOfALiveOrphanAndKeepsItsNewestState() throws Exception {
        Path state = dir.resolve("state.json");
        Path log = dir.resolve("orphan.log");
        // an orphan as the old code left them: anvil on its own, dumping only on exit from here on
        child = new ProcessBuilder(AnvilNode.locateBinary().toString(), "--host", "127.0.0.1", "--port", "0",
                "--hardfork", AnvilNode.HARDFORK, "--state", state.toString(), "--state-interval", "3600")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        int orphanPort = awaitListening(log);
        setBalance(orphanPort, BigInteger.valueOf(424242));

        try (AnvilNode node = AnvilNode.builder().stateFile(state).start()) {
            assertThat(child.isAlive()).as("the orphan was stopped").isFalse();
            assertThat(balance(node.port())).as("the orphan's last state was loaded").isEqualTo(424242);
        }
    }

    @Test
    void aStartRefusesAStateFileThatALiveNodeOfALiveJvmHolds() {
        Path state = dir.resolve("state.json");
        try (AnvilNode first = AnvilNode.builder().stateFile(state).start()) {
            assertThatThrownBy(() -> AnvilNode.builder().stateFile(state).start().close())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(state.toString());
            assertThat(first.isAlive()).isTrue();
            assertThat(AnvilNode.accepts(first.host(), first.port())).isTrue();
        }
    }

    private static String[] awaitReady(Process process) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith("READY ")) {
                return line.split(" ");
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError("the holder JVM exited before anvil listened:\n" + seen);
    }

    private static int awaitListening(Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "");
            if (m.find() && AnvilNode.accepts("127.0.0.1", Integer.parseInt(m.group(1)))) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(25);
        }
        throw new AssertionError("the orphan did not listen");
    }

    private static void setBalance(int port, BigInteger wei) throws Exception {
        HttpService service = new HttpService("http://127.0.0.1:" + port);
        Response<?> r = new Request<>("anvil_setBalance", List.of(ADDRESS, "0x" + wei.toString(16)), service,
                Generic.class).send();
        assertThat(r.hasError()).as("anvil_setBalance").isFalse();
    }

    private static long balance(int port) throws Exception {
        Web3j web3j = Web3j.build(new HttpService("http://127.0.0.1:" + port));
        try {
            return web3j.ethGetBalance(ADDRESS, DefaultBlockParameterName.LATEST).send().getBalance().longValueExact();
        } finally {
            web3j.shutdown();
        }
    }

    /** Any JSON-RPC result. */
    public static final class Generic extends Response<Object> {
    }
}
