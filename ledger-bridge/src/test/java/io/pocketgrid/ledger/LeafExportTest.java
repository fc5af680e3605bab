package io.pocketgrid.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pocketgrid.ledger.merkle.Leaf;
import io.pocketgrid.ledger.merkle.StandardMerkleTree;
import io.pocketgrid.ledger.merkle.TestLeaves;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeafExportTest {

    private final List<Leaf> leaves = TestLeaves.random(25, 77);

    @Test
    void csvRoundTripsAndItsStreamedHashIsTheHashOfItsBytes() {
        String csv = LeafExport.toCsv(leaves);
        assertThat(csv).startsWith("accountId,payout,amount\n0x").endsWith("\n");
        assertThat(LeafExport.parse(csv)).isEqualTo(leaves);
        assertThat(LeafExport.hash(leaves)).isEqualTo(LeafExport.hash(csv.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void readsCsvWithoutHeaderWithCrLfAndUpperCaseHex() {
        Leaf leaf = leaves.get(0);
        String line = leaf.accountId().toHex().toUpperCase().replace("0X", "0x") + "," + leaf.payout().toHex().toUpperCase()
                .replace("0X", "0x") + "," + leaf.amount() + "\r\n\r\n";
        assertThat(LeafExport.parse(line)).containsExactly(leaf);
    }

    @Test
    void readsJsonArraysAndOpenZeppelinDumps() {
        Leaf a = leaves.get(0);
        Leaf b = leaves.get(1);
        String objects = "[" + json(a) + "," + json(b) + "]";
        assertThat(LeafExport.parse(objects)).containsExactly(a, b);
        assertThat(LeafExport.parse("{\"leaves\":" + objects + "}")).containsExactly(a, b);
        String dump = "{\"format\":\"standard-v1\",\"leafEncoding\":[\"bytes32\",\"address\",\"uint256\"],\"tree\":[],"
                + "\"values\":[{\"value\":[\"" + a.accountId().toHex() + "\",\"" + a.payout().toHex() + "\",\"" + a.amount()
                + "\"],\"treeIndex\":1}]}";
        assertThat(LeafExport.parse(dump)).containsExactly(a);
    }

    @Test
    void commitmentCarriesRootTotalCountAndExportHash() {
        StandardMerkleTree tree = StandardMerkleTree.of(leaves);
        EpochCommitment c = EpochCommitment.of(4, tree);
        assertThat(c.root()).isEqualTo(tree.root());
        assertThat(c.leafCount()).isEqualTo(25);
        assertThat(c.total()).isEqualTo(leaves.stream().map(Leaf::amount).reduce(java.math.BigInteger.ZERO,
                java.math.BigInteger::add));
        assertThat(c.exportHash()).isEqualTo(LeafExport.hash(leaves));
    }

    @Test
    void rejectsMalformedLinesNamingTheLine() {
        assertThatThrownBy(() -> LeafExport.parse("accountId,payout,amount\n0x12,0x34\n"))
                .hasMessageContaining("line 2");
        assertThatThrownBy(() -> LeafExport.parse(LeafExport.toCsv(leaves.subList(0, 1)).replace("\n0x", "\n0xzz")))
                .hasMessageContaining("line 2");
        assertThatThrownBy(() -> LeafExport.parse("[{\"accountId\":1")).hasMessageContaining("invalid JSON");
    }

    private static String json(Leaf leaf) {
        return "{\"accountId\":\"" + leaf.accountId().toHex() + "\",\"payout\":\"" + leaf.payout().toHex()
                + "\",\"amount\":\"" + leaf.amount() + "\"}";
    }
}
