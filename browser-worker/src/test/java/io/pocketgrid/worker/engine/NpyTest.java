package io.pocketgrid.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NpyTest {

    @Test
    void roundTripsFloatsAndLongs() throws Exception {
        Tensor f = Tensor.ofFloats(new float[] {1.5f, -2f, 3e-8f, Float.NaN, 0f, 7f}, 2, 3);
        Tensor back = Npy.read(Npy.write(f));
        assertThat(back.dims()).containsExactly(2, 3);
        assertThat(back.floats()).containsExactly(f.floats());

        Tensor l = Tensor.ofLongs(new long[] {Long.MIN_VALUE, -1, 42}, 3);
        Tensor lb = Npy.read(new ByteArrayInputStream(Npy.write(l)), 1 << 20);
        assertThat(lb.type()).isEqualTo(Tensor.Type.INT64);
        assertThat(lb.longs()).containsExactly(Long.MIN_VALUE, -1, 42);
        assertThat(lb.dims()).containsExactly(3);
    }

    @Test
    void writesHeaderNumpyCanRead() {
        byte[] b = Npy.write(Tensor.ofFloats(new float[4], 4));
        String header = new String(b, 10, (b[8] & 0xFF) | (b[9] & 0xFF) << 8, StandardCharsets.ISO_8859_1);
        assertThat(header).startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }").endsWith("\n");
        assertThat((10 + header.length()) % 64).isZero();
    }

    @Test
    void readsScalarsAndNumpyStyleHeaders() {
        String h = "{'descr': '<f4', 'fortran_order': False, 'shape': (), }";
        byte[] file = npy(h, new byte[] {0, 0, (byte) 0x80, 0x3f});
        Tensor t = Npy.read(file);
        assertThat(t.dims()).isEmpty();
        assertThat(t.floats()).containsExactly(1f);
    }

    @Test
    void rejectsBadFilesClearly() {
        assertThatThrownBy(() -> Npy.read(new byte[] {1, 2, 3})).hasMessageContaining("bad .npy");
        assertThatThrownBy(() -> Npy.read(npy("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", new byte[4])))
                .hasMessageContaining("'>f4'");
        assertThatThrownBy(() -> Npy.read(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", new byte[4])))
                .hasMessageContaining("fortran_order");
        assertThatThrownBy(() -> Npy.read(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", new byte[4])))
                .hasMessageContaining("needs 12 data bytes");
        assertThatThrownBy(() -> Npy.read(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999,), }",
                new byte[4]))).isInstanceOf(EngineException.class);
        assertThatThrownBy(() -> Npy.read(new ByteArrayInputStream(new byte[5000]), 100))
                .hasMessageContaining("larger than 100");
    }

    @Test
    void readsOnlyTheHeaderOfAStreamAndLeavesItAtTheData() throws Exception {
        byte[] file = Npy.write(Tensor.ofFloats(new float[] {1f, 2f, 3f, 4f, 5f, 6f}, 3, 2));
        ByteArrayInputStream in = new ByteArrayInputStream(file);
        Npy.Header h = Npy.readHeader(in);
        assertThat(h.descr()).isEqualTo("<f4");
        assertThat(h.fortranOrder()).isFalse();
        assertThat(h.shape()).containsExactly(3, 2);
        assertThat(h.dataOffset()).isEqualTo(file.length - 6 * 4);
        assertThat(in.available()).as("the stream is left at the first data byte").isEqualTo(6 * 4);
        // a version 2.0 header (4-byte length) of a Fortran-ordered int64 column, as NumPy writes big headers
        byte[] text = "{'descr': '<i8', 'fortran_order': True, 'shape': (5,), }\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] v2 = new byte[12 + text.length];
        System.arraycopy(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, (byte) text.length, 0, 0, 0}, 0, v2, 0, 12);
        System.arraycopy(text, 0, v2, 12, text.length);
        Npy.Header h2 = Npy.readHeader(new ByteArrayInputStream(v2));
        assertThat(h2.descr()).isEqualTo("<i8");
        assertThat(h2.fortranOrder()).isTrue();
        assertThat(h2.dataOffset()).isEqualTo(12 + text.length);
        assertThatThrownBy(() -> Npy.readHeader(new ByteArrayInputStream(java.util.Arrays.copyOf(file, 40))))
                .isInstanceOf(EngineException.class).hasMessageContaining("past the end");
        assertThatThrownBy(() -> Npy.readHeader(new ByteArrayInputStream("garbage".getBytes(StandardCharsets.US_ASCII))))
                .isInstanceOf(EngineException.class).hasMessageContaining("too short");
    }

    private static byte[] npy(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[10 + h.length + data.length];
        out[0] = (byte) 0x93;
        System.arraycopy("NUMPY".getBytes(StandardCharsets.ISO_8859_1), 0, out, 1, 5);
        out[6] = 1;
        out[8] = (byte) h.length;
        System.arraycopy(h, 0, out, 10, h.length);
        System.arraycopy(data, 0, out, 10 + h.length, data.length);
        return out;
    }
}
