package io.pocketgrid.portal.project;

/**
 * A project was created or changed status; published so in-memory views of the running projects
 * (the work feeder's) refresh at once rather than at their next periodic read.
 */
public record ProjectStatusChanged(long projectId) {
}
