package io.pocketgrid.ledger.chain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local anvil dev chain in a child process, listening on a loopback port.
 *
 * <p>The binary is found by {@link #locateBinary()}. The node logs to a file (its log holds binary
 * bytes, so it is read as Latin-1) from which the port is taken when {@code --port 0} lets anvil
 * choose one. {@link #close()} stops the process and its descendants; a shutdown hook does the same
 * if the JVM exits first, and a {@link ParentWatchdog} stops anvil when the JVM dies without running its
 * hooks (SIGKILL, a crash). With a state file, one live node at a time may use it ({@link StateFileGuard}):
 * a start refuses a file a live JVM's node holds and takes it over from an orphaned anvil.
 */
public final class AnvilNode implements AutoCloseable {

    /** System property naming the anvil binary. */
    public static final String PATH_PROPERTY = "pocketgrid.anvil.path";
    /** Environment variable naming the anvil binary, read when the property is absent. */
    public static final String PATH_ENV = "POCKETGRID_ANVIL_PATH";
    /** Where npm installs the pinned binary, relative to the ledger-bridge module. */
    public static final String NPM_BINARY = "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil";
    /** The hardfork anvil runs; the contracts are compiled for the same EVM version. */
    public static final String HARDFORK = "prague";
    /** Anvil's chain id. */
    public static final long CHAIN_ID = 31337;
    /**
     * Private keys of anvil's first dev accounts (the public "test … junk" mnemonic): for local chains and
     * tests only.
     */
    public static final List<String> DEV_PRIVATE_KEYS = List.of(
            "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
            "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
            "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
            "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6");

    private static final Pattern LISTENING = Pattern.compile("Listening on ([0-9.]+):(\\d+)");

    /** The process started: the watchdog's shell, or anvil itself where there is no watchdog. */
    private final Process process;
    private final ProcessHandle anvil;
    private final StateFileGuard guard;
    private final String host;
    private final int port;
    private final Path logFile;
    private final Thread shutdownHook;

    private AnvilNode(Process process, ProcessHandle anvil, StateFileGuard guard, String host, int port, Path logFile) {
        this.process = process;
        this.anvil = anvil;
        this.guard = guard;
        this.host = host;
        this.port = port;
        this.logFile = logFile;
        this.shutdownHook = new Thread(this::stop, "anvil-shutdown-" + anvil.pid());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts anvil from {@link #locateBinary()} on a free loopback port. */
    public static AnvilNode start() {
        return builder().start();
    }

    /** A builder for a node with a fixed port, a state file or extra arguments. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The anvil binary: the {@value #PATH_PROPERTY} system property, else the {@value #PATH_ENV}
     * environment variable, else the npm-installed binary under the working directory or under
     * {@code ledger-bridge/} beside it (a portal started from the repository root), else {@code anvil}
     * on the {@code PATH}.
     *
     * @throws IllegalStateException naming every place searched when none has it
     */
    public static Path locateBinary() {
        return findBinary().orElseThrow(() -> new IllegalStateException(
                "anvil not found: set -D" + PATH_PROPERTY + " or " + PATH_ENV + ", run `npm ci` in ledger-bridge/ (looked for "
                        + NPM_BINARY + " under " + Path.of("").toAbsolutePath() + " and its ledger-bridge/), "
                        + "or put anvil on the PATH"));
    }

    /** Like {@link #locateBinary()}, empty when anvil is nowhere to be found. */
    public static Optional<Path> findBinary() {
        String configured = System.getProperty(PATH_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(PATH_ENV);
        }
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured));
        }
        List<Path> candidates = new ArrayList<>();
        Path cwd = Path.of("").toAbsolutePath();
        candidates.add(cwd.resolve(NPM_BINARY));
        candidates.add(cwd.resolve("ledger-bridge").resolve(NPM_BINARY));
        candidates.add(cwd.resolveSibling("ledger-bridge").resolve(NPM_BINARY));
        String pathVar = Objects.requireNonNullElse(System.getenv("PATH"), "");
        for (String dir : pathVar.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "anvil"));
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    /** The JSON-RPC URL, e.g. {@code http://127.0.0.1:8545}. */
    public String rpcUrl() {
        return "http://" + host + ":" + port;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The file the node logs to. */
    public Path logFile() {
        return logFile;
    }

    /** The anvil process's pid. */
    public long pid() {
        return anvil.pid();
    }

    public boolean isAlive() {
        return anvil.isAlive();
    }

    /** Stops the node and every process it started; waits until they have exited. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting and the hook is running or has run
        }
    }

    private synchronized void stop() {
        if (process.isAlive() || anvil.isAlive()) {
            stopProcessTree();
        }
        if (guard != null) {
            guard.close();
        }
    }

    private void stopProcessTree() {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        if (!tree.contains(anvil)) {
            tree.add(anvil); // no longer the shell's child when something killed the shell
        }
        if (!tree.contains(process.toHandle())) {
            tree.add(process.toHandle());
        }
        // SIGTERM first: anvil then writes its --state/--dump-state file.
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception notYet) {
                handle.destroyForcibly();
            }
        }
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "AnvilNode[" + rpcUrl() + ", pid " + anvil.pid() + "]";
    }

    /** Options of a node to start. */
    public static final class Builder {
        private Path binary;
        private String host = "127.0.0.1";
        private int port;
        private Path stateFile;
        private Path logFile;
        private final List<String> extraArgs = new ArrayList<>();
        private Duration startTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /** The binary; default {@link #locateBinary()}. */
        public Builder binary(Path binary) {
            this.binary = binary;
            return this;
        }

        /** The loopback address to listen on; default 127.0.0.1. */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** A fixed port; default 0, a free port chosen by anvil. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Loads the chain from this file if it exists and writes it back on exit ({@code --state}). */
        public Builder stateFile(Path stateFile) {
            this.stateFile = stateFile;
            return this;
        }

        /** Where the node logs; default a temporary file. */
        public Builder logFile(Path logFile) {
            this.logFile = logFile;
            return this;
        }

        /** More anvil arguments, e.g. {@code --block-time 1}. */
        public Builder arg(String... args) {
            extraArgs.addAll(List.of(args));
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        /**
         * Starts the node and waits until it accepts connections.
         *
         * @throws IllegalStateException if it exits or does not listen within the start timeout
         */
        public AnvilNode start() {
            Path bin = binary != null ? binary : locateBinary();
            StateFileGuard guard = stateFile != null ? StateFileGuard.claim(stateFile) : null;
            try {
                Path log = logFile != null ? logFile : Files.createTempFile("anvil-", ".log");
                List<String> command = new ArrayList<>(List.of(bin.toString(), "--host", host, "--port",
                        Integer.toString(port), "--hardfork", HARDFORK));
                if (stateFile != null) {
                    command.addAll(List.of("--state", stateFile.toAbsolutePath().normalize().toString()));
                }
                command.addAll(extraArgs);
                boolean watched = ParentWatchdog.available();
                // watched: stdin stays the pipe from this JVM (the default), which the watchdog waits on
                ProcessBuilder builder = new ProcessBuilder(watched ? ParentWatchdog.wrap(command) : command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
                if (!watched) {
                    builder.redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
                }
                Process process = builder.start();
                try {
                    int boundPort = awaitListening(process, log);
                    ProcessHandle anvil = watched ? ParentWatchdog.command(process, bin).orElseThrow(
                            () -> new IllegalStateException("anvil listens but is not the watchdog's child"))
                            : process.toHandle();
                    if (guard != null) {
                        guard.recordPid(anvil.pid());
                    }
                    return new AnvilNode(process, anvil, guard, host, boundPort, log);
                } catch (RuntimeException e) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    throw e;
                }
            } catch (IOException | RuntimeException e) {
                if (guard != null) {
                    guard.close();
                }
                if (e instanceof IOException io) {
                    throw new UncheckedIOException("cannot start anvil " + bin, io);
                }
                throw (RuntimeException) e;
            }
        }

        private int awaitListening(Process process, Path log) throws IOException {
            long deadline = System.nanoTime() + startTimeout.toNanos();
            while (System.nanoTime() < deadline) {
                Matcher m = LISTENING.matcher(Files.readString(log, StandardCharsets.ISO_8859_1));
                if (m.find()) {
                    int bound = Integer.parseInt(m.group(2));
                    if (accepts(host, bound)) {
                        return bound;
                    }
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException("anvil exited with " + process.exitValue() + " before listening: "
                            + tail(log));
                }
                sleep(25);
            }
            throw new IllegalStateException("anvil did not listen within " + startTimeout + ": " + tail(log));
        }
    }

    static boolean accepts(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private static String tail(Path log) throws IOException {
        String text = Files.readString(log, StandardCharsets.ISO_8859_1).replaceAll("[^\\x20-\\x7e\\n]", "");
        return text.substring(Math.max(0, text.length() - 800));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for anvil", e);
        }
    }
}
