package io.pocketgrid.portal.volunteer;

/**
 * How many results a volunteer sent, by outcome: the volunteer's own figures need them, the
 * {@code result} table is validation's, and validation sits above this package, so the question is asked
 * through this interface, which validation implements.
 */
public interface ResultCounts {

    /** Results sent, validated, and waiting for another volunteer's to agree. */
    record Counts(int sent, int valid, int pending) {
    }

    Counts of(long volunteerId);
}
