package io.pocketgrid.portal.validation;

import io.pocketgrid.portal.project.Dims;
import io.pocketgrid.portal.project.OutputLayout;
import io.pocketgrid.portal.project.ProjectTensor;
import io.pocketgrid.worker.engine.Tolerance;
import java.util.ArrayList;
import java.util.List;

/**
 * When two results of one task agree, output by output (each result is all its outputs as one float
 * array, {@link OutputLayout#values}): a floating-point output within {@code atol + rtol·|reference|}
 * element by element and, when each item's output is a class vector, with the same argmax for every
 * item (so two results that are numerically close but pick different classes still disagree); an
 * integer or boolean output exactly.
 */
public record Agreement(double atol, double rtol, List<Part> parts) {

    /** One output: its elements per item, compared exactly or within tolerance, and whether items are class vectors. */
    public record Part(int itemSize, boolean exact, boolean classVector) {
    }

    public Agreement {
        parts = List.copyOf(parts);
    }

    /** The agreement of a project's outputs. */
    public static Agreement of(double atol, double rtol, OutputLayout layout) {
        List<Part> parts = new ArrayList<>();
        for (ProjectTensor o : layout.outputs()) {
            int itemSize = (int) Dims.size(o.itemDims());
            boolean floating = o.type().isFloating();
            parts.add(new Part(itemSize, !floating, floating && o.itemDims().length == 1 && itemSize > 1));
        }
        return new Agreement(atol, rtol, parts);
    }

    public boolean agree(float[] reference, float[] candidate) {
        if (reference.length != candidate.length) {
            return false;
        }
        int perItem = 0;
        for (Part p : parts) {
            perItem += p.itemSize();
        }
        int items = perItem == 0 ? 0 : reference.length / perItem;
        int offset = 0;
        for (Part p : parts) {
            int n = items * p.itemSize();
            for (int i = offset; i < offset + n; i++) {
                boolean same = p.exact() ? candidate[i] == reference[i]
                        : Tolerance.within(atol, rtol, reference[i], candidate[i]);
                if (!same) {
                    return false;
                }
            }
            if (p.classVector()) {
                for (int start = offset; start + p.itemSize() <= offset + n; start += p.itemSize()) {
                    if (OutputLayout.argmax(reference, start, p.itemSize())
                            != OutputLayout.argmax(candidate, start, p.itemSize())) {
                        return false;
                    }
                }
            }
            offset += n;
        }
        return true;
    }
}
