package io.pocketgrid.ledger.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.WalletUtils;
import org.web3j.utils.Numeric;

class KeySourceTest {

    private static final String KEY = AnvilNode.DEV_PRIVATE_KEYS.get(2);
    private static final String ADDRESS = Credentials.create(KEY).getAddress();

    @Test
    void loadsHexKeyFromEnvironmentVariable() {
        Credentials credentials = KeySource.env("CHAIN_KEY").load(Map.of("CHAIN_KEY", KEY));
        assertThat(credentials.getAddress()).isEqualTo(ADDRESS);
    }

    @Test
    void loadsKeystoreFileWithPasswordFromEnvironment(@TempDir Path dir) throws Exception {
        ECKeyPair pair = ECKeyPair.create(Numeric.toBigInt(KEY));
        String file = WalletUtils.generateWalletFile("s3cret", pair, dir.toFile(), false);
        KeySource source = KeySource.keystore(dir.resolve(file), "KEYSTORE_PASSWORD");

        assertThat(source.load(Map.of("KEYSTORE_PASSWORD", "s3cret")).getAddress()).isEqualTo(ADDRESS);
        assertThatThrownBy(() -> source.load(Map.of("KEYSTORE_PASSWORD", "wrong")))
                .hasMessageContaining("wrong password").hasMessageNotContaining("wrong\"");
    }

    @Test
    void errorsAndDescriptionsNeverContainTheSecret() {
        String notAKey = "0xnot-a-key-but-secret";
        assertThatThrownBy(() -> KeySource.env("CHAIN_KEY").load(Map.of("CHAIN_KEY", notAKey)))
                .hasMessageContaining("CHAIN_KEY").hasMessageNotContaining(notAKey);
        assertThatThrownBy(() -> KeySource.env("CHAIN_KEY").load(Map.of())).hasMessageContaining("CHAIN_KEY");
        KeySource source = KeySource.env("CHAIN_KEY");
        source.load(Map.of("CHAIN_KEY", KEY));
        assertThat(source.toString()).doesNotContain(KEY.substring(2));
        assertThat(ChainProperties.of("http://127.0.0.1:1").withKey(source).toString()).doesNotContain(KEY.substring(2));
    }
}
