package io.pocketgrid.ledger.chain;

/** A transaction was not mined and confirmed in time; it may still be pending, mined later, or dropped. */
public class ReceiptTimeoutException extends ChainUnavailableException {
    public ReceiptTimeoutException(String message) {
        super(message);
    }
}
