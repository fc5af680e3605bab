package io.pocketgrid.portal.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class NonFiniteTest {

    private static final int ITEM = 784;

    @Test
    void findsTheFirstItemWithANaNOrAnInfinity() throws IOException {
        float[] data = new float[50 * ITEM];
        data[33 * ITEM + 5] = Float.NEGATIVE_INFINITY;
        data[41 * ITEM] = Float.NaN;
        assertThat(NonFinite.firstItem(4, stream(data, 7), ITEM, 50)).isEqualTo(33);
    }

    @Test
    void allFiniteIncludingExtremesIsMinusOne() throws IOException {
        float[] data = new float[20 * ITEM];
        for (int i = 0; i < data.length; i++) {
            data[i] = i % 3 == 0 ? Float.MAX_VALUE : i % 3 == 1 ? -Float.MIN_VALUE : -0f;
        }
        assertThat(NonFinite.firstItem(4, stream(data, 3), ITEM, 20)).isEqualTo(-1);
    }

    @Test
    void aFloatSplitAcrossReadsIsStillSeen() throws IOException {
        float[] data = new float[70_000];
        data[16_384] = Float.NaN; // its bytes start exactly at the 64 KiB chunk boundary
        data[16_385] = Float.NaN;
        assertThat(NonFinite.firstItem(4, stream(data, 5), 1, data.length)).isEqualTo(16_384);
    }

    @Test
    void aShortStreamIsRefused() {
        assertThatThrownBy(() -> NonFinite.firstItem(4, stream(new float[10], 4), 4, 3)).isInstanceOf(EOFException.class);
    }

    /** The floats as little-endian bytes, handed out at most {@code step} bytes per read for odd splits. */
    private static InputStream stream(float[] data, int step) {
        ByteBuffer b = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data);
        return new FilterInputStream(new ByteArrayInputStream(b.array())) {
            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                return super.read(buf, off, Math.min(len, len > 64 ? len - step : step));
            }
        };
    }
}
