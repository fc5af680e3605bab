package io.pocketgrid.ledger.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.ledger.LedgerClient;
import io.pocketgrid.ledger.merkle.Keccak256;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class RevertDecoderTest {

    private final RevertDecoder decoder = LedgerClient.revertDecoder();

    @Test
    void namesTheLedgersCustomErrorsBySelector() {
        for (String signature : new String[] {"InvalidProof()", "NothingToClaim(bytes32,uint256,uint256)",
                "EpochNotIncreasing(uint64,uint64)", "NoPayoutAddress(bytes32)", "OwnableUnauthorizedAccount(address)",
                "EpochTotalNotRetained(uint64,uint64)"}) {
            String data = selector(signature) + "00".repeat(32);
            assertThat(decoder.name(data)).isEqualTo(signature.substring(0, signature.indexOf('(')));
        }
    }

    @Test
    void namesSolidityErrorAndPanicAndNothingElse() {
        assertThat(decoder.name("0x08c379a0")).isEqualTo("Error");
        assertThat(decoder.name("0x4e487b71" + "00".repeat(31) + "11")).isEqualTo("Panic");
        assertThat(decoder.name("0xdeadbeef")).isNull();
        assertThat(decoder.name(null)).isNull();
        assertThat(decoder.name("0x")).isNull();
    }

    private static String selector(String signature) {
        byte[] hash = Keccak256.of(signature.getBytes(StandardCharsets.US_ASCII));
        return "0x" + HexFormat.of().formatHex(hash, 0, 4);
    }
}
