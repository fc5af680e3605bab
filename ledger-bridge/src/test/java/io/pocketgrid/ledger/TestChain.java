package io.pocketgrid.ledger;

import io.pocketgrid.ledger.chain.AnvilNode;
import io.pocketgrid.ledger.chain.ChainProperties;
import io.pocketgrid.ledger.chain.RetryPolicy;
import java.time.Duration;
import org.web3j.crypto.Credentials;

/** Properties and keys for tests against a local anvil. */
public final class TestChain {
    /** Anvil's first dev account: deployer and ledger owner. */
    public static final Credentials OWNER = Credentials.create(AnvilNode.DEV_PRIVATE_KEYS.get(0));
    /** Anvil's second dev account: submits claims and tries what it must not. */
    public static final Credentials OTHER = Credentials.create(AnvilNode.DEV_PRIVATE_KEYS.get(1));

    private TestChain() {
    }

    /** Fast polls and retries, for anvil's instant blocks. */
    public static ChainProperties properties(AnvilNode anvil) {
        return ChainProperties.of(anvil.rpcUrl())
                .withPollInterval(Duration.ofMillis(50))
                .withReceiptTimeout(Duration.ofSeconds(20))
                .withRetry(new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30)));
    }
}
