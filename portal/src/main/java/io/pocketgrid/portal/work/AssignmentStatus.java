package io.pocketgrid.portal.work;

/** Where a lease stands ({@code assignment.status}, checked by the database). */
enum AssignmentStatus {
    /** Out with its volunteer until it expires. */
    LEASED,
    /** Its result came. */
    RETURNED,
    /** Its time ran out; the task is offered again. */
    EXPIRED,
    /** Its volunteer gave it back unfinished (stopped, paused). */
    GIVEN_BACK
}
