package io.pocketgrid.portal.project;

import io.pocketgrid.portal.api.ApiException;

/**
 * What an owner chooses for a project; {@link #defaults()} are DESIGN.md's. Any field left null
 * in an upload's {@code settings} part takes its default.
 *
 * @param inputsPerTask   items per task (a task should take a device about a minute or less)
 * @param replication     replicas handed out per task before any disagreement
 * @param quorum          agreeing results that validate a task
 * @param atol            absolute tolerance of agreement
 * @param rtol            relative tolerance of agreement
 * @param deadlineSeconds how long a volunteer may hold one task
 * @param maxErrors       disagreeing results after which a task is FAILED
 * @param priority        share of leases relative to other running projects (1–100)
 */
public record ProjectSettings(Integer inputsPerTask, Integer replication, Integer quorum, Double atol, Double rtol,
                              Integer deadlineSeconds, Integer maxErrors, Integer priority) {

    public static ProjectSettings defaults() {
        return new ProjectSettings(32, 2, 2, 1e-4, 1e-3, 600, 4, 1);
    }

    /** These settings with defaults filled in, checked; a 400 BAD_SETTINGS names the first bad field. */
    public ProjectSettings resolved() {
        ProjectSettings d = defaults();
        ProjectSettings s = new ProjectSettings(or(inputsPerTask, d.inputsPerTask), or(replication, d.replication),
                or(quorum, d.quorum), or(atol, d.atol), or(rtol, d.rtol), or(deadlineSeconds, d.deadlineSeconds),
                or(maxErrors, d.maxErrors), or(priority, d.priority));
        check(s.inputsPerTask >= 1 && s.inputsPerTask <= 100_000, "inputsPerTask must be 1–100000");
        check(s.replication >= 1 && s.replication <= 10, "replication must be 1–10");
        check(s.quorum >= 1 && s.quorum <= s.replication, "quorum must be 1–replication");
        check(s.atol >= 0 && s.atol < 1e3 && s.rtol >= 0 && s.rtol < 1e3, "atol and rtol must be 0–1000");
        check(s.deadlineSeconds >= 10 && s.deadlineSeconds <= 86_400, "deadlineSeconds must be 10–86400");
        check(s.maxErrors >= 1 && s.maxErrors <= 100, "maxErrors must be 1–100");
        check(s.priority >= 1 && s.priority <= 100, "priority must be 1–100");
        return s;
    }

    private static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw ApiException.badRequest("BAD_SETTINGS", message);
        }
    }
}
