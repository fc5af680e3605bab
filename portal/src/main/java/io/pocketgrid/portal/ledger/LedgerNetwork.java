package io.pocketgrid.portal.ledger;

import io.pocketgrid.ledger.DeployOptions;
import io.pocketgrid.ledger.Deployment;
import io.pocketgrid.ledger.LedgerClient;
import io.pocketgrid.ledger.chain.AnvilNode;
import io.pocketgrid.ledger.chain.ChainClient;
import io.pocketgrid.ledger.chain.ChainProperties;
import io.pocketgrid.ledger.chain.KeySource;
import io.pocketgrid.ledger.chain.RetryPolicy;
import io.pocketgrid.ledger.contract.LedgerContract;
import io.pocketgrid.portal.config.PocketGridProperties;
import io.pocketgrid.portal.ledger.LedgerStore.NetworkRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * The chain and the ledger contract. Without {@code pocketgrid.ledger.rpc-url} it runs a local anvil whose
 * state file lives under the data directory, signing with anvil's first dev key; with one, it signs with
 * the configured key. The contract (and its token) is deployed once and kept in {@code ledger_network}:
 * a later start reuses it when the chain still has its code, and deploys a new one otherwise (a lost
 * local chain), after which every epoch is committed again. Nothing here fails the portal: when the chain
 * cannot be used it says why and the ledger stays off (missing anvil, missing key) or is tried again at
 * the next epoch run (unreachable node).
 */
@Component
class LedgerNetwork implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(LedgerNetwork.class);

    private final LedgerProperties properties;
    private final LedgerStore store;
    private final LedgerLock lock;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Path dataDir;

    private AnvilNode anvil;
    private volatile String off;
    private volatile Connection connection;

    /** A live ledger client and the network row it commits to. */
    record Connection(LedgerClient client, NetworkRow network) {
    }

    @Autowired
    LedgerNetwork(LedgerProperties properties, PocketGridProperties portal, LedgerStore store, LedgerLock lock,
                  PlatformTransactionManager transactions, Clock clock) {
        this(properties, portal.dataDir(), store, lock, transactions, clock);
    }

    LedgerNetwork(LedgerProperties properties, Path dataDir, LedgerStore store, LedgerLock lock,
                  PlatformTransactionManager transactions, Clock clock) {
        this.properties = properties;
        this.store = store;
        this.lock = lock;
        this.tx = new TransactionTemplate(transactions);
        this.clock = clock;
        this.dataDir = dataDir;
    }

    /** The connection, without trying to make one. */
    Optional<Connection> current() {
        return Optional.ofNullable(connection);
    }

    /** The connection, made now if there is none yet; empty when the ledger is off or the chain unreachable. */
    synchronized Optional<Connection> connect() {
        if (!properties.enabled() || off != null) {
            return Optional.empty();
        }
        if (connection == null) {
            try {
                connection = properties.local() ? startLocal() : attachRemote();
            } catch (RuntimeException e) {
                log.warn("The ledger's chain cannot be used now ({}); the portal runs on and tries again at the next"
                        + " epoch run", e.getMessage());
            }
        }
        return Optional.ofNullable(connection);
    }

    /** Why the ledger is off for good (until a restart with other settings), if it is. */
    Optional<String> offReason() {
        return Optional.ofNullable(!properties.enabled() ? "the ledger is disabled (pocketgrid.ledger.enabled=false)" : off);
    }

    /** Starts the local chain again when its process has died, e.g. after a failed epoch commit. */
    synchronized void restartLocalNodeIfDead() {
        if (anvil != null && !anvil.isAlive()) {
            log.warn("The local chain {} has stopped; starting it again from its state file", anvil.rpcUrl());
            disconnect();
            connect();
        }
    }

    /** Stops and starts the connection (and the local chain), as a portal restart would. */
    synchronized void restart() {
        disconnect();
        connect();
    }

    /** The local chain's process, null with a remote chain. */
    synchronized AnvilNode localNode() {
        return anvil;
    }

    @Override
    public synchronized void destroy() {
        disconnect();
    }

    private void disconnect() {
        if (connection != null) {
            connection.client().close();
            connection = null;
        }
        if (anvil != null) {
            anvil.close();
            anvil = null;
        }
    }

    private Connection startLocal() {
        Optional<Path> binary = properties.anvilPath().isBlank() ? AnvilNode.findBinary()
                : Optional.of(Path.of(properties.anvilPath())).filter(Files::isExecutable);
        if (binary.isEmpty()) {
            off = "no anvil binary for the local chain";
            log.warn("The ledger is OFF: no anvil binary for the local chain ({}). Run `npm ci` in ledger-bridge/, set"
                    + " pocketgrid.ledger.anvil-path, or point pocketgrid.ledger.rpc-url at a chain. Everything else runs"
                    + " as usual.", properties.anvilPath().isBlank() ? "looked for ledger-bridge/" + AnvilNode.NPM_BINARY
                    + " and anvil on the PATH" : properties.anvilPath() + " is not executable");
            return null;
        }
        if (anvil == null || !anvil.isAlive()) {
            Path dir = dataDir.resolve("anvil");
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // --state: the chain is loaded from and dumped to the file (on exit and every 30 s). The node dies with
            // this JVM, and takes the file over from an anvil orphaned by an older portal (see AnvilNode).
            anvil = AnvilNode.builder().binary(binary.get()).port(properties.localPort())
                    .stateFile(dir.resolve("state.json")).logFile(dir.resolve("anvil.log"))
                    .arg("--state-interval", "30").start();
            log.info("Started the local chain at {} (state in {})", anvil.rpcUrl(), dir);
        }
        return attach("LOCAL", anvil.rpcUrl(), anvil.rpcUrl(), Credentials.create(AnvilNode.DEV_PRIVATE_KEYS.getFirst()),
                null);
    }

    private Connection attachRemote() {
        Credentials key;
        try {
            key = new KeySource(properties.keyEnv(), properties.keystoreFile(), properties.keystorePasswordEnv()).load();
        } catch (RuntimeException e) {
            off = e.getMessage();
            log.warn("The ledger is OFF: {} (the signing key for {})", e.getMessage(), "pocketgrid.ledger.rpc-url");
            return null;
        }
        String publicUrl = properties.publicRpcUrl().isBlank() ? properties.rpcUrl() : properties.publicRpcUrl();
        return attach("REMOTE", properties.rpcUrl(), publicUrl, key,
                properties.contractAddress().isBlank() ? null : properties.contractAddress().strip());
    }

    private Connection attach(String kind, String rpcUrl, String publicUrl, Credentials key, String configured) {
        ChainProperties chain = ChainProperties.of(rpcUrl)
                .withConfirmations(properties.confirmations())
                .withPollInterval(properties.pollInterval())
                .withReceiptTimeout(properties.receiptTimeout())
                .withRetry(new RetryPolicy(Duration.ofMillis(250), Duration.ofSeconds(10), properties.retryGiveUp()));
        // one instance at a time decides (and maybe deploys), so instances on one database share one contract
        String lease = lock.acquire(LedgerLock.NETWORK, properties.lockTimeout(), properties.lockTimeout())
                .orElseThrow(() -> new IllegalStateException("another portal instance holds the ledger network lock"));
        NetworkRow network;
        try {
            network = resolve(kind, chain, publicUrl, key, configured);
        } finally {
            lock.release(LedgerLock.NETWORK, lease);
        }
        LedgerClient client = LedgerClient.connect(chain.withContractAddress(network.contractAddress()), key);
        String owner = client.contract().owner();
        if (!owner.equalsIgnoreCase(client.chain().address())) {
            log.warn("The ledger {} is owned by {}, not by the signing key's account {}: its epochs cannot be committed",
                    network.contractAddress(), owner, client.chain().address());
        }
        log.info("Ledger {} (token {}) on chain {} at {}", network.contractAddress(), network.tokenAddress(),
                network.chainId(), network.rpcUrl());
        return new Connection(client, network);
    }

    private NetworkRow resolve(String kind, ChainProperties chain, String publicUrl, Credentials key, String configured) {
        try (ChainClient probe = LedgerClient.chainClient(chain, key)) {
            long chainId = probe.chainId();
            Optional<NetworkRow> active = store.activeNetwork();
            if (configured != null) {
                if (active.filter(n -> n.chainId() == chainId && n.contractAddress().equalsIgnoreCase(configured)).isPresent()) {
                    return reuse(active.get(), publicUrl);
                }
                String token = LedgerContract.at(probe, configured).rewardToken();
                return activate(kind, chainId, publicUrl, configured, token, 0);
            }
            if (active.isPresent() && active.get().kind().equals(kind) && active.get().chainId() == chainId
                    && hasCode(probe, active.get().contractAddress())) {
                return reuse(active.get(), publicUrl);
            }
            active.ifPresent(n -> log.warn("The ledger {} is not on chain {} at {} (a lost local chain?): deploying a new"
                    + " one", n.contractAddress(), chainId, publicUrl));
            Deployment d = LedgerClient.deploy(chain, key, DeployOptions.localChain());
            return activate(kind, chainId, publicUrl, d.ledgerAddress(), d.tokenAddress(), d.blockNumber());
        }
    }

    private NetworkRow reuse(NetworkRow network, String publicUrl) {
        store.updateRpcUrl(network.id(), publicUrl);
        return new NetworkRow(network.id(), network.kind(), network.chainId(), publicUrl, network.contractAddress(),
                network.tokenAddress(), network.deployBlock());
    }

    private NetworkRow activate(String kind, long chainId, String publicUrl, String contract, String token, long block) {
        return tx.execute(status -> {
            NetworkRow row = store.activate(kind, chainId, publicUrl, contract, token, block, clock.instant());
            int epochs = store.reopenAll();
            if (epochs > 0) {
                log.warn("The ledger moved to {} on chain {}: its {} epochs will be committed there again", contract,
                        chainId, epochs);
            }
            return row;
        });
    }

    private static boolean hasCode(ChainClient chain, String address) {
        String code = chain.retry("eth_getCode", () -> {
            var response = chain.web3j().ethGetCode(address, DefaultBlockParameterName.LATEST).send();
            if (response.hasError()) {
                throw new IOException("eth_getCode: " + response.getError().getMessage());
            }
            return response.getCode();
        });
        return code != null && code.length() > 2;
    }
}
