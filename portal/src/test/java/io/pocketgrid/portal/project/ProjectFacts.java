package io.pocketgrid.portal.project;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.pocketgrid.worker.engine.Tensor;
import java.util.List;

/** A project's settings as the features below {@code project} read them, for their unit tests. */
public final class ProjectFacts {

    private ProjectFacts() {
    }

    /** A project whose one float32 output has {@code outputSize} values per item. */
    public static Project of(long id, int quorum, int replication, int maxErrors, long flopsPerItem, int outputSize) {
        Project p = mock(Project.class);
        when(p.getId()).thenReturn(id);
        when(p.getQuorum()).thenReturn(quorum);
        when(p.getReplication()).thenReturn(replication);
        when(p.getMaxErrors()).thenReturn(maxErrors);
        when(p.getFlopsPerItem()).thenReturn(flopsPerItem);
        when(p.getAtol()).thenReturn(1e-4);
        when(p.getRtol()).thenReturn(1e-3);
        when(p.getOutputs()).thenReturn(List.of(new ProjectTensor("out", Tensor.Type.FLOAT, new int[] {outputSize})));
        return p;
    }
}
