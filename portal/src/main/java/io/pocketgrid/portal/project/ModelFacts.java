package io.pocketgrid.portal.project;

/** What the engine learned from a model when it was stored. */
record ModelFacts(String sha256, String inputName, String outputName, int[] outputItemDims, long flopsPerItem) {
}
