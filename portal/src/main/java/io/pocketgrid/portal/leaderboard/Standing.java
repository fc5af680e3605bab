package io.pocketgrid.portal.leaderboard;

/** One row of a leaderboard: credit in micro-credits and in credits (1 credit = 1 GFLOP validated). */
public record Standing(int rank, String id, String name, long microCredits, double credits) {
}
