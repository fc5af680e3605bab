package io.pocketgrid.ledger.chain;

import java.time.Duration;
import java.util.Objects;

/**
 * How to reach the chain and the ledger contract.
 *
 * @param rpcUrl JSON-RPC URL
 * @param contractAddress the ContributionLedger, null before it is deployed
 * @param confirmations blocks a receipt must have (1 = included in a block)
 * @param pollInterval interval between receipt and block polls
 * @param receiptTimeout longest wait for a transaction to be mined and confirmed
 * @param retry what to do while the node is unreachable
 * @param key the signing key's source
 */
public record ChainProperties(String rpcUrl, String contractAddress, int confirmations, Duration pollInterval,
        Duration receiptTimeout, RetryPolicy retry, KeySource key) {

    public ChainProperties {
        Objects.requireNonNull(rpcUrl, "rpcUrl");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(receiptTimeout, "receiptTimeout");
        Objects.requireNonNull(retry, "retry");
        if (confirmations < 1) {
            throw new IllegalArgumentException("confirmations must be at least 1");
        }
    }

    /** One confirmation, 500 ms polls, 2 minutes per receipt, {@link RetryPolicy#DEFAULT}, key from the default env. */
    public static ChainProperties of(String rpcUrl) {
        return new ChainProperties(rpcUrl, null, 1, Duration.ofMillis(500), Duration.ofMinutes(2), RetryPolicy.DEFAULT,
                KeySource.env(KeySource.DEFAULT_ENV));
    }

    public ChainProperties withContractAddress(String address) {
        return new ChainProperties(rpcUrl, address, confirmations, pollInterval, receiptTimeout, retry, key);
    }

    public ChainProperties withConfirmations(int n) {
        return new ChainProperties(rpcUrl, contractAddress, n, pollInterval, receiptTimeout, retry, key);
    }

    public ChainProperties withPollInterval(Duration interval) {
        return new ChainProperties(rpcUrl, contractAddress, confirmations, interval, receiptTimeout, retry, key);
    }

    public ChainProperties withReceiptTimeout(Duration timeout) {
        return new ChainProperties(rpcUrl, contractAddress, confirmations, pollInterval, timeout, retry, key);
    }

    public ChainProperties withRetry(RetryPolicy policy) {
        return new ChainProperties(rpcUrl, contractAddress, confirmations, pollInterval, receiptTimeout, policy, key);
    }

    public ChainProperties withKey(KeySource source) {
        return new ChainProperties(rpcUrl, contractAddress, confirmations, pollInterval, receiptTimeout, retry, source);
    }
}
