package io.pocketgrid.portal.volunteer;

/** A volunteer was banned; published so cached standings forget it at once. */
public record VolunteerBanned(long volunteerId) {
}
