package io.pocketgrid.ledger;

/** The chain holds a different root for the epoch, or has moved past it without it: never overwritten. */
public class EpochConflictException extends RuntimeException {
    public EpochConflictException(String message) {
        super(message);
    }
}
