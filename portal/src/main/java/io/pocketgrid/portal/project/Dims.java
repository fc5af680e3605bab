package io.pocketgrid.portal.project;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Tensor dims as the comma-separated text used in the database and in {@code X-Tensor-Dims}. */
public final class Dims {

    private static final int MAX_RANK = 8;

    private Dims() {
    }

    public static String format(int[] dims) {
        return Arrays.stream(dims).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    /** Parses {@code "32,1,28,28"}; an empty text is a scalar. Throws IllegalArgumentException when malformed. */
    public static int[] parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("dims are missing");
        }
        String t = text.trim();
        if (t.isEmpty()) {
            return new int[0];
        }
        String[] parts = t.split(",", -1);
        if (parts.length > MAX_RANK) {
            throw new IllegalArgumentException("at most " + MAX_RANK + " dims are allowed");
        }
        int[] dims = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            dims[i] = Integer.parseInt(parts[i].trim());
            if (dims[i] < 0) {
                throw new IllegalArgumentException("dims must not be negative");
            }
        }
        return dims;
    }

    /** Number of elements, or -1 if it does not fit an int. */
    public static long size(int[] dims) {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    public static int[] prepend(int first, int[] rest) {
        int[] all = new int[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
