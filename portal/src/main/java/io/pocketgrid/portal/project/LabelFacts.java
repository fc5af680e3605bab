package io.pocketgrid.portal.project;

/** A stored labels .npy file (one int32 or int64 class per item): its blob and where the data starts. */
record LabelFacts(String sha256, long dataOffset) {
}
