package io.pocketgrid.portal.project;

/** A stored inputs .npy file: its blob, where the data starts, and the shape of one item. */
record InputFacts(String sha256, long dataOffset, int itemCount, int[] itemDims) {
}
