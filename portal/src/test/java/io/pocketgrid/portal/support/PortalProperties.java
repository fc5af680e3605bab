package io.pocketgrid.portal.support;

import java.nio.file.Path;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The settings the portal's integration tests share, for their {@code @DynamicPropertySource} methods. Each
 * piece sets one thing; the two sets are the usual combinations. A test that needs only some of the pieces
 * calls those, and keeps its own further settings beside the call.
 */
public final class PortalProperties {

    private PortalProperties() {
    }

    /** A data directory of the test's own, no chain, and no demo project: the test posts the work it needs. */
    public static void noDemoNoLedger(DynamicPropertyRegistry registry, Path dataDir) {
        dataDir(registry, dataDir);
        noLedger(registry);
        noDemoProject(registry);
    }

    /**
     * A data directory of the test's own, no chain, and of the demos only the Fashion-MNIST project's first
     * round: the test follows those tasks.
     */
    public static void oneDemoRoundNoLedger(DynamicPropertyRegistry registry, Path dataDir) {
        dataDir(registry, dataDir);
        noDemoRounds(registry);
        noLedger(registry);
        noDemoWorkloads(registry);
    }

    /** Where the embedded database, the blobs and the local chain's state live. */
    public static void dataDir(DynamicPropertyRegistry registry, Path dataDir) {
        String dir = dataDir.toString();
        registry.add("pocketgrid.data-dir", () -> dir);
    }

    /** No chain: no local anvil, no epochs, no claims. */
    public static void noLedger(DynamicPropertyRegistry registry) {
        registry.add("pocketgrid.ledger.enabled", () -> "false");
    }

    /** No bundled demo project on the first start. */
    public static void noDemoProject(DynamicPropertyRegistry registry) {
        registry.add("pocketgrid.demo-project", () -> "false");
    }

    /** No new demo rounds as the old ones complete: a test following the demo's tasks sees no others appear. */
    public static void noDemoRounds(DynamicPropertyRegistry registry) {
        registry.add("pocketgrid.demo-rounds.enabled", () -> "false");
    }

    /** The Fashion-MNIST demo project alone, without the text classifier and the int8 CNN demos beside it. */
    public static void noDemoWorkloads(DynamicPropertyRegistry registry) {
        registry.add("pocketgrid.demo-workloads", () -> "false");
    }

    /** Epochs only when a test runs the job; quick polls and a short give-up for the local chain. */
    public static void fastChain(DynamicPropertyRegistry registry) {
        registry.add("pocketgrid.ledger.epoch-interval", () -> "1h");
        registry.add("pocketgrid.ledger.poll-interval", () -> "50ms");
        registry.add("pocketgrid.ledger.receipt-timeout", () -> "10s");
        registry.add("pocketgrid.ledger.retry-give-up", () -> "2s");
    }
}
