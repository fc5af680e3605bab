package io.pocketgrid.portal.ledger;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The reward ledger ({@code pocketgrid.ledger.*}).
 *
 * @param enabled             false: no chain, no epochs (the ledger API answers 503)
 * @param rpcUrl              an EVM JSON-RPC URL; empty: a local anvil chain kept under the data directory
 * @param publicRpcUrl        the URL {@code GET /api/v1/ledger} shows; default {@code rpcUrl} (set it when
 *                            {@code rpcUrl} holds an API key)
 * @param contractAddress     an existing ContributionLedger owned by the signing key; empty: deploy one (once,
 *                            then kept in the database)
 * @param keyEnv              environment variable holding the signing key (hex) for {@code rpcUrl}
 * @param keystoreFile        a web3 keystore file, used when {@code keyEnv} is unset
 * @param keystorePasswordEnv environment variable holding the keystore's password
 * @param epochInterval       how often an epoch closes when new credit exists
 * @param confirmations       blocks a commit must have before it counts
 * @param pollInterval        receipt and block polls
 * @param receiptTimeout      longest wait for one transaction
 * @param retryGiveUp         how long a chain call retries an unreachable node before the run gives up (the
 *                            epoch stays FAILED and is retried at the next run)
 * @param lockTimeout         how long an epoch or network lock lasts unless renewed; its holder renews it every
 *                            third of that while it lives, so it bounds how long a crashed holder blocks the
 *                            other instances (the crashed instance itself takes its locks back when it starts)
 * @param anvilPath           the anvil binary for the local chain; empty: {@code AnvilNode.findBinary()}
 * @param localPort           the local chain's port; 0: any free loopback port
 */
@ConfigurationProperties("pocketgrid.ledger")
public record LedgerProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("") String rpcUrl,
        @DefaultValue("") String publicRpcUrl,
        @DefaultValue("") String contractAddress,
        @DefaultValue("POCKETGRID_LEDGER_KEY") String keyEnv,
        Path keystoreFile,
        @DefaultValue("POCKETGRID_LEDGER_KEYSTORE_PASSWORD") String keystorePasswordEnv,
        @DefaultValue("10m") Duration epochInterval,
        @DefaultValue("1") int confirmations,
        @DefaultValue("500ms") Duration pollInterval,
        @DefaultValue("2m") Duration receiptTimeout,
        @DefaultValue("1m") Duration retryGiveUp,
        @DefaultValue("1m") Duration lockTimeout,
        @DefaultValue("") String anvilPath,
        @DefaultValue("0") int localPort) {

    /** Whether the portal runs its own anvil. */
    public boolean local() {
        return rpcUrl.isBlank();
    }
}
