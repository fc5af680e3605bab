package io.pocketgrid.portal.project;

public enum ProjectStatus {
    DRAFT, RUNNING, PAUSED, COMPLETED, INCOMPLETE, CANCELLED
}
