package io.pocketgrid.portal.project;

/** What an owner chooses for a project; the defaults are DESIGN.md's. */
public record ProjectSettings(int inputsPerTask, int replication, int quorum, double atol, double rtol,
                              int deadlineSeconds) {

    public static ProjectSettings defaults() {
        return new ProjectSettings(32, 2, 2, 1e-4, 1e-3, 600);
    }
}
