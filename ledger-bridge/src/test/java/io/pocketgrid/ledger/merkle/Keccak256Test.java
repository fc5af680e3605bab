package io.pocketgrid.ledger.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.bouncycastle.jcajce.provider.digest.Keccak;
import org.junit.jupiter.api.Test;

class Keccak256Test {

    @Test
    void hashesKnownVectors() {
        assertThat(hex(Keccak256.of(new byte[0])))
                .isEqualTo("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
        assertThat(hex(Keccak256.of("hello".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("1c8aff950685c2ed4bc3174f3472287b56d9517b9c948127319a09a7a36deac8");
    }

    @Test
    void matchesBouncyCastleForEveryLengthAndChunking() {
        Random random = new Random(7);
        Keccak256 keccak = new Keccak256();
        for (int len = 0; len < 600; len++) {
            byte[] data = new byte[len];
            random.nextBytes(data);
            byte[] expected = new Keccak.Digest256().digest(data);

            assertThat(Keccak256.of(data)).as("one call, length %d", len).isEqualTo(expected);

            int cut = len == 0 ? 0 : random.nextInt(len);
            keccak.update(data, 0, cut).update(data, cut, len - cut);
            assertThat(keccak.digest()).as("two updates, length %d", len).isEqualTo(expected);

            byte[] out = new byte[40];
            keccak.hashShort(data, 0, len, out, 3);
            byte[] shortDigest = new byte[32];
            System.arraycopy(out, 3, shortDigest, 0, 32);
            assertThat(shortDigest).as("hashShort, length %d", len).isEqualTo(expected);
        }
    }

    @Test
    void hashPairEqualsHashOfConcatenation() {
        Random random = new Random(3);
        byte[] src = new byte[96];
        random.nextBytes(src);
        byte[] out = new byte[32];
        new Keccak256().hashPair(src, 64, 0, out, 0);
        byte[] concatenated = new byte[64];
        System.arraycopy(src, 64, concatenated, 0, 32);
        System.arraycopy(src, 0, concatenated, 32, 32);
        assertThat(out).isEqualTo(new Keccak.Digest256().digest(concatenated));
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
