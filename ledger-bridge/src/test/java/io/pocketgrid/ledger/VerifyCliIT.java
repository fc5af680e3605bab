package io.pocketgrid.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.ledger.chain.AnvilNode;
import io.pocketgrid.ledger.merkle.Leaf;
import io.pocketgrid.ledger.merkle.StandardMerkleTree;
import io.pocketgrid.ledger.merkle.TestLeaves;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyCliIT {

    private static AnvilNode anvil;
    private static Deployment deployment;
    private static List<Leaf> epoch1;
    private static List<Leaf> epoch2;

    @TempDir
    Path dir;

    @BeforeAll
    static void commitTwoEpochs() {
        anvil = AnvilNode.start();
        deployment = LedgerClient.deploy(TestChain.properties(anvil), TestChain.OWNER, DeployOptions.localChain());
        epoch1 = TestLeaves.random(200, 21);
        epoch2 = new ArrayList<>(epoch1);
        epoch2.set(0, new Leaf(epoch1.get(0).accountId(), epoch1.get(0).payout(), epoch1.get(0).amount().add(BigInteger.TEN)));
        try (LedgerClient ledger = LedgerClient.connect(
                TestChain.properties(anvil).withContractAddress(deployment.ledgerAddress()), TestChain.OWNER)) {
            ledger.commitEpoch(EpochCommitment.of(1, StandardMerkleTree.of(epoch1)));
            ledger.commitEpoch(EpochCommitment.of(2, StandardMerkleTree.of(epoch2)));
        }
    }

    @AfterAll
    static void stop() {
        anvil.close();
    }

    @Test
    void verifiesLatestEpochFromCsvExport() throws Exception {
        Path csv = Files.writeString(dir.resolve("epoch-2.csv"), LeafExport.toCsv(epoch2));
        Run run = run(2, csv);
        assertThat(run.exitCode).as(run.output).isZero();
        assertThat(run.output).contains("RESULT: VERIFIED", "root        OK", "export hash OK");
    }

    @Test
    void verifiesOlderEpochFromJsonExportUsingItsEvent() throws Exception {
        StringBuilder json = new StringBuilder("[");
        for (Leaf leaf : epoch1) {
            json.append(json.length() > 1 ? "," : "").append("{\"accountId\":\"").append(leaf.accountId().toHex())
                    .append("\",\"payout\":\"").append(leaf.payout().toHex()).append("\",\"amount\":\"")
                    .append(leaf.amount()).append("\"}");
        }
        Path file = Files.writeString(dir.resolve("epoch-1.json"), json.append("]"));
        Run run = run(1, file);
        assertThat(run.exitCode).as(run.output).isZero();
        assertThat(run.output).contains("RESULT: VERIFIED", "total       OK", "leaf count  OK");
    }

    @Test
    void rejectsTamperedExport() throws Exception {
        List<Leaf> tampered = new ArrayList<>(epoch2);
        Leaf leaf = tampered.get(5);
        tampered.set(5, new Leaf(leaf.accountId(), leaf.payout(), leaf.amount().add(BigInteger.ONE)));
        Path csv = Files.writeString(dir.resolve("tampered.csv"), LeafExport.toCsv(tampered));
        Run run = run(2, csv);
        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.output).contains("root        MISMATCH", "RESULT: NOT VERIFIED");
    }

    @Test
    void rejectsEpochNeverCommittedAndBadArguments() throws Exception {
        Path csv = Files.writeString(dir.resolve("epoch-2.csv"), LeafExport.toCsv(epoch2));
        assertThat(run(3, csv).exitCode).isEqualTo(1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(VerifyCli.run(new String[] {"--rpc", anvil.rpcUrl()}, new PrintStream(out))).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("missing --contract", "usage:");
    }

    private record Run(int exitCode, String output) {
    }

    private Run run(long epoch, Path file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = VerifyCli.run(new String[] {"--rpc", anvil.rpcUrl(), "--contract", deployment.ledgerAddress(),
                "--epoch", Long.toString(epoch), "--leaves", file.toString(), "--from-block",
                Long.toString(deployment.blockNumber())}, new PrintStream(out, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8));
    }
}
