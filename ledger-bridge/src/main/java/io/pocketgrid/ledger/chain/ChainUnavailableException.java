package io.pocketgrid.ledger.chain;

/** The node could not be reached, or did not answer as expected, for longer than the retry policy allows. */
public class ChainUnavailableException extends RuntimeException {
    public ChainUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public ChainUnavailableException(String message) {
        super(message);
    }
}
