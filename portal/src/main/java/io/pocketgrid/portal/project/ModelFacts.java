package io.pocketgrid.portal.project;

import java.util.List;

/** What the engine learned from a model when it was stored: the outputs to collect, per item, and its FLOPs. */
record ModelFacts(String sha256, List<ProjectTensor> outputs, long flopsPerItem) {
}
