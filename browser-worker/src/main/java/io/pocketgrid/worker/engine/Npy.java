package io.pocketgrid.worker.engine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * NumPy {@code .npy} files (format versions 1–3), little-endian, C order: float32 ({@code <f4}),
 * int64 ({@code <i8}), and float16 ({@code <f2}, FLOAT16), float64 ({@code <f8}, DOUBLE, read
 * into float32 precision), int32 / int8 / uint8 / bool. NumPy has no bfloat16: BFLOAT16 tensors
 * are written as float32 (exact). Pure Java on bytes and streams so the
 * browser, the portal and the CLI share it. Errors are {@link EngineException}s saying what is wrong.
 */
public final class Npy {

    /** Largest header accepted; NumPy writes well under 1 KB. */
    private static final int MAX_HEADER = 1 << 16;
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private Npy() {
    }

    /**
     * The header of a {@code .npy} file, read without its data.
     *
     * @param descr        NumPy's dtype string, e.g. {@code <f4}
     * @param fortranOrder whether the data is in Fortran (column-major) order
     * @param shape        the array's dims
     * @param dataOffset   where the data starts: the bytes from the magic to the header's newline
     */
    public record Header(String descr, boolean fortranOrder, int[] shape, long dataOffset) {
    }

    /**
     * Reads only the header (format versions 1–3) from a stream, leaving it at the first data byte, so a
     * large file is never loaded whole. What it does not check is the dtype and the data's length.
     *
     * @throws EngineException when the bytes are no .npy header, or the stream ends inside it
     */
    public static Header readHeader(InputStream in) throws IOException {
        byte[] prefix = in.readNBytes(8);
        if (prefix.length < 8) {
            throw bad("file too short (" + prefix.length + " bytes)");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (prefix[i] != MAGIC[i]) {
                throw bad("not a .npy file (bad magic)");
            }
        }
        int major = prefix[6] & 0xFF;
        if (major < 1 || major > 3) {
            throw bad("unsupported format version " + major);
        }
        byte[] length = in.readNBytes(major == 1 ? 2 : 4);
        if (length.length < (major == 1 ? 2 : 4)) {
            throw bad("file too short");
        }
        long headerLength = 0;
        for (int i = length.length - 1; i >= 0; i--) {
            headerLength = headerLength << 8 | (length[i] & 0xFFL);
        }
        if (headerLength > MAX_HEADER) {
            throw bad("header of " + headerLength + " bytes is too large");
        }
        byte[] text = in.readNBytes((int) headerLength);
        if (text.length < headerLength) {
            throw bad("header runs past the end of the file");
        }
        String header = new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return new Header(quotedValue(header, "descr"), boolValue(header, "fortran_order"), shape(header),
                8 + length.length + headerLength);
    }

    /** Parses a whole .npy file. */
    public static Tensor read(byte[] b) {
        Header h;
        try {
            h = readHeader(new ByteArrayInputStream(b));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail to read
        }
        if (h.fortranOrder()) {
            throw bad("fortran_order=True is not supported; save with np.ascontiguousarray");
        }
        int[] dims = h.shape();
        Tensor.Type type = TensorBytes.fromNpyDescr(h.descr());
        if (type == null) {
            throw bad("dtype '" + h.descr() + "' is not supported (use float32, float16 or int64, little-endian)");
        }
        int data = (int) h.dataOffset();
        long need = (long) Tensor.sizeOf(dims) * TensorBytes.width(type);
        if (b.length - data != need) {
            throw bad("shape " + java.util.Arrays.toString(dims) + " of " + h.descr() + " needs " + need
                    + " data bytes, file has " + (b.length - data));
        }
        return TensorBytes.decode(type, dims, b, data);
    }

    /** Reads a .npy file from a stream, refusing more than {@code maxBytes}. */
    public static Tensor read(InputStream in, long maxBytes) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[65536];
        long total = 0;
        for (int r; (r = in.read(chunk)) > 0; ) {
            total += r;
            if (total > maxBytes) {
                throw bad("file larger than " + maxBytes + " bytes");
            }
            buf.write(chunk, 0, r);
        }
        return read(buf.toByteArray());
    }

    /** Serializes a tensor as a version 1.0 .npy file (BFLOAT16 as float32: NumPy has no bfloat16). */
    public static byte[] write(Tensor t) {
        Tensor data = t.type() == Tensor.Type.BFLOAT16 ? Tensor.ofFloats(t.floats(), t.dims()) : t;
        byte[] header = header(TensorBytes.npyDescr(data.type()), data.dims());
        byte[] out = new byte[header.length + data.size() * TensorBytes.width(data.type())];
        System.arraycopy(header, 0, out, 0, header.length);
        TensorBytes.encode(data, out, header.length);
        return out;
    }

    /** A version 1.0 .npy header (magic to newline, 64-byte aligned) for data of {@code descr} and {@code dims}. */
    public static byte[] header(String descr, int[] dims) {
        StringBuilder shape = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            shape.append(dims[i]).append(i == 0 && dims.length == 1 ? "," : i + 1 < dims.length ? ", " : "");
        }
        shape.append(')');
        StringBuilder h = new StringBuilder("{'descr': '").append(descr).append("', 'fortran_order': False, 'shape': ")
                .append(shape).append(", }");
        while ((10 + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        byte[] text = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[10 + text.length];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        out[6] = 1;
        out[7] = 0;
        out[8] = (byte) text.length;
        out[9] = (byte) (text.length >>> 8);
        System.arraycopy(text, 0, out, 10, text.length);
        return out;
    }

    public static void write(Tensor t, OutputStream out) throws IOException {
        out.write(write(t));
    }

    private static String quotedValue(String header, String key) {
        int k = header.indexOf("'" + key + "'");
        if (k < 0) {
            throw bad("header has no '" + key + "'");
        }
        int colon = header.indexOf(':', k);
        int q1 = colon < 0 ? -1 : indexOfQuote(header, colon + 1);
        int q2 = q1 < 0 ? -1 : header.indexOf(header.charAt(q1), q1 + 1);
        if (q2 < 0) {
            throw bad("cannot read '" + key + "' in header");
        }
        return header.substring(q1 + 1, q2);
    }

    private static int indexOfQuote(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'' || c == '"') {
                return i;
            }
            if (c != ' ') {
                return -1;
            }
        }
        return -1;
    }

    private static boolean boolValue(String header, String key) {
        int k = header.indexOf("'" + key + "'");
        if (k < 0) {
            return false;
        }
        int colon = header.indexOf(':', k);
        String rest = header.substring(colon + 1).trim();
        if (rest.startsWith("True")) {
            return true;
        }
        if (rest.startsWith("False")) {
            return false;
        }
        throw bad("cannot read '" + key + "' in header");
    }

    private static int[] shape(String header) {
        int k = header.indexOf("'shape'");
        int open = k < 0 ? -1 : header.indexOf('(', k);
        int close = open < 0 ? -1 : header.indexOf(')', open);
        if (close < 0) {
            throw bad("header has no shape tuple");
        }
        String inner = header.substring(open + 1, close).trim();
        if (inner.isEmpty()) {
            return new int[0];
        }
        String[] parts = inner.split(",");
        int count = 0;
        int[] dims = new int[parts.length];
        for (String p : parts) {
            String s = p.trim();
            if (s.endsWith("L")) {
                s = s.substring(0, s.length() - 1);
            }
            if (s.isEmpty()) {
                continue;
            }
            if (s.length() > 10) {
                throw bad("dimension '" + s + "' is too large");
            }
            long d;
            try {
                d = Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw bad("bad dimension '" + s + "' in shape");
            }
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw bad("bad dimension " + d + " in shape");
            }
            dims[count++] = (int) d;
        }
        return java.util.Arrays.copyOf(dims, count);
    }

    private static EngineException bad(String why) {
        return new EngineException("bad .npy: " + why);
    }
}
