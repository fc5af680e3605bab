package io.pocketgrid.ledger.chain;

import java.util.Optional;

/**
 * A call or transaction was reverted by a contract.
 *
 * <p>{@link #errorName()} is the Solidity custom error (e.g. {@code InvalidProof}, {@code NothingToClaim}),
 * {@code Error} for a {@code require} message, {@code Panic}, or empty when the node gave no revert data.
 */
public class ContractRevertException extends RuntimeException {
    private final String errorName;
    private final String data;

    public ContractRevertException(String errorName, String data, String message) {
        super(message);
        this.errorName = errorName;
        this.data = data;
    }

    /** The decoded error name, if the revert data matched a known error. */
    public Optional<String> errorName() {
        return Optional.ofNullable(errorName);
    }

    /** The raw revert data, {@code 0x…}, or null. */
    public String data() {
        return data;
    }
}
