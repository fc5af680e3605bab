package io.pocketgrid.portal.ledger;

import io.pocketgrid.ledger.merkle.Bytes32;
import io.pocketgrid.ledger.merkle.StandardMerkleTree;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Merkle trees of epochs, rebuilt from the stored leaves and checked against the stored root. An epoch's
 * leaves never change, so the last few trees (those proofs are asked for) stay in memory.
 */
@Component
class EpochTrees {

    private static final int CACHED = 4;

    private final LedgerStore store;
    private final Map<Long, StandardMerkleTree> cache = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, StandardMerkleTree> eldest) {
            return size() > CACHED;
        }
    };

    EpochTrees(LedgerStore store) {
        this.store = store;
    }

    /** The tree of {@code epoch}, empty when there is no such epoch. */
    Optional<StandardMerkleTree> tree(long epoch) {
        synchronized (cache) {
            StandardMerkleTree cached = cache.get(epoch);
            if (cached != null) {
                return Optional.of(cached);
            }
        }
        Optional<EpochView> view = store.epoch(epoch);
        if (view.isEmpty()) {
            return Optional.empty();
        }
        List<LedgerStore.VolunteerLeaf> leaves = store.leaves(epoch);
        StandardMerkleTree tree = StandardMerkleTree.of(leaves.stream().map(LedgerStore.VolunteerLeaf::leaf).toList());
        if (!tree.root().equals(Bytes32.fromHex(view.get().root()))) {
            throw new IllegalStateException("the stored leaves of epoch " + epoch + " hash to " + tree.root()
                    + ", not to its root " + view.get().root());
        }
        put(epoch, tree);
        return Optional.of(tree);
    }

    /** Remembers the tree of an epoch just stored. */
    void put(long epoch, StandardMerkleTree tree) {
        synchronized (cache) {
            cache.put(epoch, tree);
        }
    }
}
