package io.pocketgrid.worker.engine.onnx;

import io.pocketgrid.worker.engine.EngineException;
import java.nio.charset.StandardCharsets;

/**
 * A minimal reader of the protobuf wire format (varints, fixed32/64, length-delimited fields).
 * The engine reads ONNX files itself because protobuf-java relies on reflection and
 * {@code sun.misc.Unsafe}, which TeaVM cannot compile for the browser.
 */
public final class ProtoReader {

    public static final int VARINT = 0;
    public static final int FIXED64 = 1;
    public static final int LEN = 2;
    public static final int FIXED32 = 5;

    private final byte[] buf;
    private int pos;
    private final int limit;

    public ProtoReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public ProtoReader(byte[] buf, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > buf.length) {
            throw new EngineException("protobuf: bad slice");
        }
        this.buf = buf;
        this.pos = offset;
        this.limit = offset + length;
    }

    public boolean hasMore() {
        return pos < limit;
    }

    /** The next tag ({@code field << 3 | wireType}). */
    public int readTag() {
        long tag = readVarint();
        if (tag <= 0 || tag > Integer.MAX_VALUE) {
            throw new EngineException("protobuf: bad tag " + tag + " at byte " + pos);
        }
        return (int) tag;
    }

    public long readVarint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) {
                throw truncated();
            }
            byte b = buf[pos++];
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw new EngineException("protobuf: varint longer than 10 bytes at byte " + pos);
    }

    public int readFixed32() {
        need(4);
        int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16
                | (buf[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    public long readFixed64() {
        long lo = readFixed32() & 0xFFFFFFFFL;
        long hi = readFixed32() & 0xFFFFFFFFL;
        return lo | hi << 32;
    }

    public float readFloat() {
        return Float.intBitsToFloat(readFixed32());
    }

    public double readDouble() {
        return Double.longBitsToDouble(readFixed64());
    }

    /** A reader over the next length-delimited field. */
    public ProtoReader readMessage() {
        int len = readLength();
        ProtoReader sub = new ProtoReader(buf, pos, len);
        pos += len;
        return sub;
    }

    public byte[] readBytes() {
        int len = readLength();
        byte[] out = new byte[len];
        System.arraycopy(buf, pos, out, 0, len);
        pos += len;
        return out;
    }

    public String readString() {
        int len = readLength();
        String s = new String(buf, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    /** Skips a field of the given wire type. */
    public void skip(int wireType) {
        switch (wireType) {
            case VARINT -> readVarint();
            case FIXED64 -> {
                need(8);
                pos += 8;
            }
            case LEN -> {
                int len = readLength();
                pos += len;
            }
            case FIXED32 -> {
                need(4);
                pos += 4;
            }
            default -> throw new EngineException("protobuf: unsupported wire type " + wireType + " at byte " + pos);
        }
    }

    /**
     * Reads a repeated int64 field element or a packed run of them, appending to {@code out}.
     */
    public void readInt64s(int wireType, LongList out) {
        if (wireType == LEN) {
            ProtoReader packed = readMessage();
            while (packed.hasMore()) {
                out.add(packed.readVarint());
            }
        } else {
            out.add(readVarint());
        }
    }

    /** Reads a repeated float field element or a packed run of them. */
    public void readFloats(int wireType, FloatList out) {
        if (wireType == LEN) {
            ProtoReader packed = readMessage();
            while (packed.hasMore()) {
                out.add(packed.readFloat());
            }
        } else {
            out.add(readFloat());
        }
    }

    /** Reads a repeated double field element or a packed run of them (as floats). */
    public void readDoubles(int wireType, FloatList out) {
        if (wireType == LEN) {
            ProtoReader packed = readMessage();
            while (packed.hasMore()) {
                out.add((float) packed.readDouble());
            }
        } else {
            out.add((float) readDouble());
        }
    }

    private int readLength() {
        long len = readVarint();
        if (len < 0 || len > limit - pos) {
            throw new EngineException("protobuf: length " + len + " runs past the end (byte " + pos + ")");
        }
        return (int) len;
    }

    private void need(int n) {
        if (limit - pos < n) {
            throw truncated();
        }
    }

    private EngineException truncated() {
        return new EngineException("protobuf: truncated input at byte " + pos);
    }

    /** A growable list of longs without boxing. */
    public static final class LongList {
        private long[] a = new long[8];
        private int n;

        public void add(long v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        public int size() {
            return n;
        }

        public long[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }

    /** A growable list of floats without boxing. */
    public static final class FloatList {
        private float[] a = new float[8];
        private int n;

        public void add(float v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        public int size() {
            return n;
        }

        public float[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
