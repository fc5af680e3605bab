package io.pocketgrid.ledger;

import io.pocketgrid.ledger.chain.ChainClient;
import io.pocketgrid.ledger.chain.ChainProperties;
import io.pocketgrid.ledger.chain.RetryPolicy;
import io.pocketgrid.ledger.contract.LedgerContract;
import io.pocketgrid.ledger.merkle.Bytes32;
import io.pocketgrid.ledger.merkle.Leaf;
import io.pocketgrid.ledger.merkle.StandardMerkleTree;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;

/**
 * Checks an epoch's published leaf export against the chain: recomputes the Merkle root, total and leaf
 * count from the file and compares them with what the ContributionLedger holds. Exit code 0 when they
 * match, 1 otherwise (or on any error).
 *
 * <pre>
 * java -cp … io.pocketgrid.ledger.VerifyCli --rpc URL --contract ADDRESS --epoch N --leaves FILE [--from-block B]
 * </pre>
 */
public final class VerifyCli {

    private static final String USAGE = "usage: VerifyCli --rpc URL --contract ADDRESS --epoch N --leaves FILE.csv|FILE.json"
            + " [--from-block B]";

    private VerifyCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /** Runs the verification, printing to {@code out}; returns the exit code. */
    public static int run(String[] args, PrintStream out) {
        Map<String, String> options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            out.println(e.getMessage());
            out.println(USAGE);
            return 1;
        }
        try {
            return verify(options, out) ? 0 : 1;
        } catch (IOException | RuntimeException e) {
            out.println("ERROR: " + e.getMessage());
            out.println("RESULT: NOT VERIFIED");
            return 1;
        }
    }

    private static boolean verify(Map<String, String> o, PrintStream out) throws IOException {
        long epoch = Long.parseLong(o.get("epoch"));
        Path file = Path.of(o.get("leaves"));
        byte[] bytes = Files.readAllBytes(file);
        List<Leaf> leaves = LeafExport.parse(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        boolean csv = !new String(bytes, 0, Math.min(bytes.length, 64), java.nio.charset.StandardCharsets.UTF_8)
                .stripLeading().matches("(?s)^[\\[{].*");
        StandardMerkleTree tree = StandardMerkleTree.of(leaves);
        BigInteger total = leaves.stream().map(Leaf::amount).reduce(BigInteger.ZERO, BigInteger::add);

        ChainProperties properties = ChainProperties.of(o.get("rpc")).withContractAddress(o.get("contract"))
                .withRetry(new RetryPolicy(Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(10)));
        // Reads only: an ephemeral key stands in as the caller and never signs anything.
        Credentials reader = Credentials.create(generateKey());
        try (ChainClient chain = ChainClient.connect(properties, reader, LedgerClient.revertDecoder())) {
            LedgerContract contract = LedgerContract.at(chain, o.get("contract"));
            long last = contract.lastEpoch();
            Optional<Bytes32> root = contract.epochRoot(epoch);
            Optional<LedgerContract.EpochRecord> record = contract.epochRecord(epoch, Long.parseLong(o.get("from-block")));
            out.println("PocketGrid ledger verification");
            out.printf("  chain       %d at %s%n", chain.chainId(), properties.rpcUrl());
            out.printf("  contract    %s%n", contract.address());
            out.printf("  epoch       %d (latest committed: %d)%n", epoch, last);
            out.printf("  leaves      %s (%s, %,d leaves)%n", file, csv ? "CSV" : "JSON", leaves.size());
            if (root.isEmpty()) {
                out.println("  epoch " + epoch + " is not committed on this contract");
                out.println("RESULT: NOT VERIFIED");
                return false;
            }
            boolean ok = line(out, "root", tree.root(), root.get());
            Optional<BigInteger> chainTotal = epoch == last ? contract.epochTotal(epoch)
                    : record.map(r -> r.commitment().total());
            ok &= line(out, "total", total, chainTotal.orElse(null));
            Optional<Long> chainCount = epoch == last ? Optional.of(contract.lastLeafCount())
                    : record.map(r -> r.commitment().leafCount());
            ok &= line(out, "leaf count", (long) leaves.size(), chainCount.orElse(null));
            if (record.isPresent() && csv) {
                Bytes32 hash = LeafExport.hash(bytes);
                boolean same = hash.equals(record.get().commitment().exportHash());
                out.printf("  %-11s %s%n", "export hash", same ? "OK (file is the committed export, byte for byte)"
                        : "differs: the file is not byte-identical to the committed export (its leaves are checked above)");
            }
            out.println(ok ? "RESULT: VERIFIED" : "RESULT: NOT VERIFIED");
            return ok;
        }
    }

    private static boolean line(PrintStream out, String what, Object file, Object chain) {
        if (chain == null) {
            out.printf("  %-11s file %s, chain: not available (no EpochCommitted event found)%n", what, file);
            return false;
        }
        boolean same = Objects.equals(file, chain);
        out.printf("  %-11s %s  file %s  chain %s%n", what, same ? "OK      " : "MISMATCH", file, chain);
        return same;
    }

    private static String generateKey() {
        try {
            return Keys.createEcKeyPair().getPrivateKey().toString(16);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>(Map.of("from-block", "0"));
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("unexpected argument: " + args[i]);
            }
            options.put(args[i].substring(2), args[++i]);
        }
        for (String required : List.of("rpc", "contract", "epoch", "leaves")) {
            if (!options.containsKey(required)) {
                throw new IllegalArgumentException("missing --" + required);
            }
        }
        return options;
    }
}
