package io.pocketgrid.portal.drill;

import io.pocketgrid.ledger.chain.AnvilNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.web3j.crypto.Credentials;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * An anvil the drill starts and controls (the portal only knows its URL): a fixed port so it comes back where
 * the portal looks, an optional state file so it comes back with the contract, and anvil's own RPC methods to
 * hold transactions in the mempool.
 */
final class ExternalChain implements AutoCloseable {

    /** The key the portal signs with (anvil's first dev account). */
    static final String OWNER_KEY = AnvilNode.DEV_PRIVATE_KEYS.getFirst();
    static final String OWNER = Credentials.create(OWNER_KEY).getAddress();

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final int port = PortalProcess.freePort();
    private final Path stateFile;
    private final Path logFile;
    private AnvilNode node;

    /** @param stateFile where the chain is kept across restarts, or null for none */
    ExternalChain(Path stateFile, Path logFile) {
        this.stateFile = stateFile;
        this.logFile = logFile;
    }

    ExternalChain start() {
        AnvilNode.Builder builder = AnvilNode.builder().port(port).logFile(logFile);
        if (stateFile != null) {
            builder.stateFile(stateFile);
        }
        node = builder.start();
        return this;
    }

    /** Stops the node (SIGTERM: it writes its state file first). */
    void stop() {
        node.close();
    }

    String rpcUrl() {
        return "http://127.0.0.1:" + port;
    }

    void automine(boolean on) {
        call("evm_setAutomine", List.of(on));
    }

    void mine() {
        call("evm_mine", List.of());
    }

    /** The owner's transaction count at {@code block} ("latest" or "pending"). */
    long nonce(String block) {
        return Long.decode(call("eth_getTransactionCount", List.of(OWNER, block)).asString());
    }

    /** Hashes of the transactions waiting in the mempool. */
    List<String> pendingHashes() {
        JsonNode block = call("eth_getBlockByNumber", List.of("pending", false));
        return block.get("transactions").valueStream().map(JsonNode::asString).toList();
    }

    JsonNode call(String method, List<?> params) {
        String body = JSON.writeValueAsString(java.util.Map.of("jsonrpc", "2.0", "id", 1, "method", method,
                "params", params));
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(rpcUrl()))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode answer = JSON.readTree(r.body());
            if (answer.has("error")) {
                throw new IllegalStateException(method + ": " + answer.get("error"));
            }
            return answer.get("result");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (node != null) {
            node.close();
        }
    }
}
