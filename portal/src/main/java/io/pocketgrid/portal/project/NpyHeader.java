package io.pocketgrid.portal.project;

import io.pocketgrid.portal.api.ApiException;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a NumPy {@code .npy} file (format 1.0–3.0): dtype, order, shape and where the data
 * starts. Read from a stream so a large inputs file is never loaded whole.
 */
record NpyHeader(String descr, boolean fortranOrder, int[] shape, long dataOffset) {

    private static final int MAX_HEADER = 1 << 16;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    static NpyHeader read(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] magic = new byte[6];
        data.readFully(magic);
        if (magic[0] != (byte) 0x93 || !"NUMPY".equals(new String(magic, 1, 5, StandardCharsets.US_ASCII))) {
            throw bad("not a .npy file (no NUMPY magic)");
        }
        int major = data.readUnsignedByte();
        data.readUnsignedByte();
        long headerLength;
        int prefix;
        if (major == 1) {
            headerLength = Short.toUnsignedInt(Short.reverseBytes(data.readShort()));
            prefix = 10;
        } else if (major == 2 || major == 3) {
            headerLength = Integer.toUnsignedLong(Integer.reverseBytes(data.readInt()));
            prefix = 12;
        } else {
            throw bad("unknown .npy format version " + major);
        }
        if (headerLength > MAX_HEADER) {
            throw bad(".npy header is too long");
        }
        byte[] header = new byte[(int) headerLength];
        data.readFully(header);
        String text = new String(header, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return new NpyHeader(group(DESCR, text, "descr"), "True".equals(group(FORTRAN, text, "fortran_order")),
                shape(group(SHAPE, text, "shape")), prefix + headerLength);
    }

    /** Checks the file holds little-endian float32 in C order, at least one item. */
    NpyHeader requireFloat32Items() {
        if (!"<f4".equals(descr) && !"|f4".equals(descr)) {
            throw bad("inputs must be float32 ('<f4'), this file has '" + descr + "'");
        }
        if (fortranOrder) {
            throw bad("inputs must be in C order, this file is in Fortran order");
        }
        if (shape.length < 1 || shape[0] < 1) {
            throw bad("inputs need an item axis with at least one item");
        }
        return this;
    }

    private static String group(Pattern p, String text, String key) {
        Matcher m = p.matcher(text);
        if (!m.find()) {
            throw bad(".npy header has no '" + key + "'");
        }
        return m.group(1);
    }

    private static int[] shape(String text) {
        String[] parts = text.split(",");
        int n = 0;
        int[] dims = new int[parts.length];
        for (String part : parts) {
            String t = part.trim();
            if (t.isEmpty()) {
                continue;
            }
            try {
                dims[n++] = Math.toIntExact(Long.parseLong(t.endsWith("L") ? t.substring(0, t.length() - 1) : t));
            } catch (NumberFormatException | ArithmeticException e) {
                throw bad(".npy shape is malformed: (" + text + ")");
            }
        }
        return java.util.Arrays.copyOf(dims, n);
    }

    private static ApiException bad(String message) {
        return ApiException.badRequest("BAD_NPY", message);
    }
}
