package io.pocketgrid.portal.ledger;

import java.math.BigInteger;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health {@code chain}: whether the chain node answers (the latest block within {@link #TIMEOUT_SECONDS}).
 * UNKNOWN when the ledger is off by configuration; the RPC URL is never shown (it may hold an API key).
 */
@Component
class ChainHealthIndicator implements HealthIndicator {

    static final int TIMEOUT_SECONDS = 3;

    private final LedgerNetwork network;

    ChainHealthIndicator(LedgerNetwork network) {
        this.network = network;
    }

    @Override
    public Health health() {
        Optional<String> off = network.offReason();
        if (off.isPresent()) {
            return Health.unknown().withDetail("ledger", "off").withDetail("reason", off.get()).build();
        }
        Optional<LedgerNetwork.Connection> connection = network.current();
        if (connection.isEmpty()) {
            return Health.down().withDetail("reason", "not connected to the chain (tried again at each epoch run)")
                    .build();
        }
        LedgerNetwork.Connection c = connection.get();
        try {
            BigInteger block = c.client().chain().web3j().ethBlockNumber().sendAsync()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).getBlockNumber();
            return Health.up().withDetail("network", c.network().kind()).withDetail("chainId", c.network().chainId())
                    .withDetail("block", block).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.down().withDetail("reason", "interrupted").build();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            return Health.down().withDetail("network", c.network().kind()).withDetail("chainId", c.network().chainId())
                    .withDetail("reason", "the node did not answer: " + cause.getClass().getSimpleName()).build();
        }
    }
}
