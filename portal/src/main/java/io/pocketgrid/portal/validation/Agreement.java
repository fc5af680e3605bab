package io.pocketgrid.portal.validation;

/**
 * When two results of one task agree: every element within {@code atol + rtol·|reference|}, and,
 * when each item's output is a class vector, the same argmax for every item (so two results that
 * are numerically close but pick different classes still disagree).
 */
public record Agreement(double atol, double rtol, int itemSize, boolean classVector) {

    public boolean agree(float[] reference, float[] candidate) {
        if (reference.length != candidate.length) {
            return false;
        }
        for (int i = 0; i < reference.length; i++) {
            if (!(Math.abs(candidate[i] - reference[i]) <= atol + rtol * Math.abs(reference[i]))) {
                return false;
            }
        }
        if (classVector) {
            for (int start = 0; start + itemSize <= reference.length; start += itemSize) {
                if (argmax(reference, start, itemSize) != argmax(candidate, start, itemSize)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Index of the largest of {@code v[start … start+length)}; the first one on ties. */
    public static int argmax(float[] v, int start, int length) {
        int best = 0;
        for (int i = 1; i < length; i++) {
            if (v[start + i] > v[start + best]) {
                best = i;
            }
        }
        return best;
    }
}
