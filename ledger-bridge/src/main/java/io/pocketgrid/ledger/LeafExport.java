package io.pocketgrid.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pocketgrid.ledger.merkle.Bytes32;
import io.pocketgrid.ledger.merkle.EthAddress;
import io.pocketgrid.ledger.merkle.Keccak256;
import io.pocketgrid.ledger.merkle.Leaf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An epoch's leaves as published for anyone to recompute the root.
 *
 * <p>The canonical form is CSV: the header {@code accountId,payout,amount}, then one line per leaf in
 * tree value order, {@code 0x}-prefixed lower-case hex, the amount in decimal, each line ending in
 * {@code \n}. Its Keccak-256 is the {@code exportHash} committed on chain. JSON is read too: an array
 * of {@code {"accountId", "payout", "amount"}} objects (also under a {@code "leaves"} key), or an
 * OpenZeppelin {@code StandardMerkleTree.dump()}.
 */
public final class LeafExport {

    /** The CSV header line. */
    public static final String HEADER = "accountId,payout,amount";

    private LeafExport() {
    }

    /** The canonical CSV of {@code leaves}. */
    public static String toCsv(List<Leaf> leaves) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(HEADER.length() + 1 + leaves.size() * 136);
        writeCsv(leaves, out);
        return out.toString(StandardCharsets.US_ASCII);
    }

    /** Writes the canonical CSV of {@code leaves} to {@code out} (not closed). */
    public static void writeCsv(List<Leaf> leaves, OutputStream out) {
        try {
            out.write((HEADER + "\n").getBytes(StandardCharsets.US_ASCII));
            for (Leaf leaf : leaves) {
                String line = leaf.accountId().toHex() + ',' + leaf.payout().toHex() + ',' + leaf.amount() + '\n';
                out.write(line.getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Keccak-256 of the canonical CSV of {@code leaves}, streamed (the CSV is never held whole). */
    public static Bytes32 hash(List<Leaf> leaves) {
        Keccak256 keccak = new Keccak256();
        writeCsv(leaves, new OutputStream() {
            @Override
            public void write(int b) {
                keccak.update(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                keccak.update(b, off, len);
            }
        });
        return Bytes32.of(keccak.digest());
    }

    /** Keccak-256 of an export file's bytes. */
    public static Bytes32 hash(byte[] exportBytes) {
        return Bytes32.of(Keccak256.of(exportBytes));
    }

    /** Reads a CSV or JSON export, told apart by its first non-blank character. */
    public static List<Leaf> read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    /** Parses a CSV or JSON export. */
    public static List<Leaf> parse(String text) {
        String trimmed = text.stripLeading();
        return trimmed.startsWith("[") || trimmed.startsWith("{") ? parseJson(trimmed) : parseCsv(text);
    }

    /** Parses CSV {@code accountId,payout,amount}, with or without the header; blank lines are skipped. */
    public static List<Leaf> parseCsv(String csv) {
        List<Leaf> leaves = new ArrayList<>();
        int lineNumber = 0;
        for (String line : csv.split("\r?\n")) {
            lineNumber++;
            String l = line.strip();
            if (l.isEmpty() || (lineNumber == 1 && l.equalsIgnoreCase(HEADER))) {
                continue;
            }
            String[] cells = l.split(",");
            if (cells.length != 3) {
                throw new IllegalArgumentException("line " + lineNumber + ": expected accountId,payout,amount");
            }
            try {
                leaves.add(new Leaf(Bytes32.fromHex(cells[0]), EthAddress.fromHex(cells[1]), new BigInteger(cells[2].strip())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + lineNumber + ": " + e.getMessage(), e);
            }
        }
        return leaves;
    }

    private static List<Leaf> parseJson(String json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getMessage(), e);
        }
        List<Leaf> leaves = new ArrayList<>();
        if (root.isObject() && root.has("values")) {
            // OpenZeppelin StandardMerkleTree.dump(): values[i].value = [accountId, payout, amount]
            for (JsonNode v : root.get("values")) {
                JsonNode value = v.get("value");
                leaves.add(new Leaf(Bytes32.fromHex(value.get(0).asText()), EthAddress.fromHex(value.get(1).asText()),
                        new BigInteger(value.get(2).asText())));
            }
            return leaves;
        }
        JsonNode array = root.isObject() ? root.get("leaves") : root;
        if (array == null || !array.isArray()) {
            throw new IllegalArgumentException("expected a JSON array of leaves");
        }
        for (JsonNode leaf : array) {
            leaves.add(new Leaf(Bytes32.fromHex(leaf.get("accountId").asText()),
                    EthAddress.fromHex(leaf.get("payout").asText()), new BigInteger(leaf.get("amount").asText())));
        }
        return leaves;
    }
}
