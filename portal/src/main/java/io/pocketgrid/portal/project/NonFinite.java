package io.pocketgrid.portal.project;

import java.io.IOException;
import java.io.InputStream;

/**
 * Finds NaN and infinities in little-endian float32 or float16 data as it streams past, so a 2 GB inputs file
 * is checked without being held in memory. An input that is not finite can never give a result the
 * worker API accepts ({@code NON_FINITE}), so a project holding one could never finish.
 */
final class NonFinite {

    private static final int CHUNK = 1 << 16;

    private NonFinite() {
    }

    /**
     * The index of the first item (of {@code itemElements} elements each, {@code items} in all) that
     * holds a NaN or an infinity, reading {@code in} from its current position; -1 when all are
     * finite. {@code width} is 4 for float32, 2 for float16.
     */
    static long firstItem(int width, InputStream in, long itemElements, long items) throws IOException {
        // exponent all ones: NaN or an infinity
        int exponent = width == 4 ? 0x7f80_0000 : 0x7c00;
        byte[] buf = new byte[CHUNK];
        long total = itemElements * items;
        long index = 0;
        int carry = 0;
        while (index < total) {
            int n = in.read(buf, carry, buf.length - carry);
            if (n < 0) {
                throw new java.io.EOFException("inputs end after " + index + " of " + total + " values");
            }
            int end = carry + n;
            int whole = end - end % width;
            for (int i = 0; i < whole && index < total; i += width, index++) {
                int bits = (buf[i] & 0xff) | (buf[i + 1] & 0xff) << 8;
                if (width == 4) {
                    bits |= (buf[i + 2] & 0xff) << 16 | buf[i + 3] << 24;
                }
                if ((bits & exponent) == exponent) {
                    return itemElements == 0 ? 0 : index / itemElements;
                }
            }
            carry = end - whole;
            System.arraycopy(buf, whole, buf, 0, carry);
        }
        return -1;
    }
}
