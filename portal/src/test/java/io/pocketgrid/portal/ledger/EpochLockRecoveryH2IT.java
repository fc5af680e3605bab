package io.pocketgrid.portal.ledger;

import java.util.List;

/** {@link EpochLockRecovery} on the embedded H2 database under the data directory. */
class EpochLockRecoveryH2IT extends EpochLockRecovery {

    @Override
    List<String> database() {
        return List.of();
    }
}
