package io.pocketgrid.ledger.merkle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** Roots and proofs computed by OpenZeppelin's JavaScript StandardMerkleTree, run by node. */
public final class OpenZeppelinReference {

    /** Root and proofs by value index. */
    public record Result(Bytes32 root, Map<Integer, List<Bytes32>> proofs) {
    }

    private OpenZeppelinReference() {
    }

    public static Result compute(List<Leaf> leaves, List<Integer> proofIndexes) throws IOException, InterruptedException {
        Path csv = Files.createTempFile("leaves-", ".csv");
        try {
            StringBuilder text = new StringBuilder();
            for (Leaf leaf : leaves) {
                text.append(leaf.accountId().toHex()).append(',').append(leaf.payout().toHex()).append(',')
                        .append(leaf.amount()).append('\n');
            }
            Files.writeString(csv, text);
            List<String> command = new ArrayList<>(List.of("node", "scripts/merkle-reference.mjs", csv.toString()));
            proofIndexes.forEach(i -> command.add(Integer.toString(i)));
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("node merkle-reference.mjs failed");
            }
            JsonNode json = new ObjectMapper().readTree(new String(out, StandardCharsets.UTF_8));
            Map<Integer, List<Bytes32>> proofs = new TreeMap<>();
            json.get("proofs").properties().forEach(e -> {
                List<Bytes32> proof = new ArrayList<>();
                e.getValue().forEach(p -> proof.add(Bytes32.fromHex(p.asText())));
                proofs.put(Integer.parseInt(e.getKey()), proof);
            });
            return new Result(Bytes32.fromHex(json.get("root").asText()), proofs);
        } finally {
            Files.deleteIfExists(csv);
        }
    }
}
