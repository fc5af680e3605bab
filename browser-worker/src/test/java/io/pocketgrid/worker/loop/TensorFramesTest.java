package io.pocketgrid.worker.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TensorFramesTest {

    @Test
    void tensorsOfEveryWireTypeComeBackAsTheyWent() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("input_ids", Tensor.ofLongs(new long[] {101, 2023, -7, Long.MAX_VALUE}, 2, 2));
        tensors.put("mask", Tensor.ofLongs(Tensor.Type.BOOL, new long[] {1, 0, 1}, 3));
        tensors.put("pixels", Tensor.ofLongs(Tensor.Type.UINT8, new long[] {0, 255}, 2));
        tensors.put("q", Tensor.ofLongs(Tensor.Type.INT8, new long[] {-128, 127}, 2));
        tensors.put("i32", Tensor.ofLongs(Tensor.Type.INT32, new long[] {Integer.MIN_VALUE}, 1));
        tensors.put("half", Tensor.ofFloats(Tensor.Type.FLOAT16, new float[] {1.5f, -65504f, 0.333f}, 3));
        tensors.put("logits", Tensor.ofFloats(new float[] {0.25f, -1e-30f, 3.4e38f, Float.MIN_VALUE}, 2, 1, 2));
        tensors.put("scalar", Tensor.scalar(7f));

        Map<String, Tensor> back = TensorFrames.decode(TensorFrames.encode(tensors));

        assertThat(back.keySet()).containsExactlyElementsOf(tensors.keySet());
        tensors.forEach((name, t) -> {
            Tensor b = back.get(name);
            assertThat(b.type()).as(name).isEqualTo(t.type());
            assertThat(b.dims()).as(name).containsExactly(t.dims());
            if (t.type().isFloating()) {
                assertThat(b.floats()).as(name).containsExactly(t.floats());
            } else {
                assertThat(b.longs()).as(name).containsExactly(t.longs());
            }
        });
    }

    @Test
    void theLayoutIsTheDocumentedOne() {
        byte[] frame = TensorFrames.encode(Map.of("ab", Tensor.ofLongs(new long[] {1, 258}, 2)));
        ByteBuffer b = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[4];
        b.get(magic);
        assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("PGT1");
        assertThat(b.getInt()).isEqualTo(1);
        assertThat(b.getShort()).isEqualTo((short) 2);
        assertThat((char) b.get()).isEqualTo('a');
        assertThat((char) b.get()).isEqualTo('b');
        assertThat(b.get()).as("ONNX INT64").isEqualTo((byte) 7);
        assertThat(b.get()).as("rank").isEqualTo((byte) 1);
        assertThat(b.getInt()).isEqualTo(2);
        assertThat(b.getLong()).isEqualTo(1);
        assertThat(b.getLong()).isEqualTo(258);
        assertThat(b.hasRemaining()).isFalse();
    }

    @Test
    void partsPointAtEachTensorsData() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a", Tensor.ofFloats(new float[] {1, 2, 3}, 3));
        tensors.put("b", Tensor.ofLongs(Tensor.Type.UINT8, new long[] {9}, 1));
        byte[] frame = TensorFrames.encode(tensors);
        List<TensorFrames.Part> parts = TensorFrames.parts(frame);
        assertThat(parts).extracting(TensorFrames.Part::name).containsExactly("a", "b");
        assertThat(parts.get(0).length()).isEqualTo(12);
        assertThat(parts.get(1).length()).isEqualTo(1);
        assertThat(frame[parts.get(1).offset()]).isEqualTo((byte) 9);
        assertThat(parts.get(0).offset() + parts.get(0).length()).isLessThan(parts.get(1).offset());
    }

    @Test
    void malformedFramesAreRefusedSayingWhy() {
        byte[] good = TensorFrames.encode(Map.of("x", Tensor.ofFloats(new float[] {1, 2}, 2)));
        assertThatThrownBy(() -> TensorFrames.parts(Arrays.copyOf(good, good.length - 1)))
                .isInstanceOf(EngineException.class).hasMessageContaining("needs 8 bytes");
        assertThatThrownBy(() -> TensorFrames.parts(Arrays.copyOf(good, good.length + 3)))
                .hasMessageContaining("3 bytes follow the last tensor");
        byte[] raw = new byte[8];
        assertThatThrownBy(() -> TensorFrames.parts(raw)).hasMessageContaining("PGT1");
        byte[] unknownType = good.clone();
        unknownType[8 + 2 + 1] = 99;
        assertThatThrownBy(() -> TensorFrames.parts(unknownType)).hasMessageContaining("unknown element type 99");
        byte[] huge = good.clone();
        huge[4] = (byte) 200;
        assertThatThrownBy(() -> TensorFrames.parts(huge)).hasMessageContaining("200 tensors");
        byte[] twice = TensorFrames.encode(Map.of("x", Tensor.scalar(1)));
        byte[] doubled = new byte[8 + 2 * (twice.length - 8)];
        System.arraycopy(twice, 0, doubled, 0, twice.length);
        System.arraycopy(twice, 8, doubled, twice.length, twice.length - 8);
        doubled[4] = 2;
        assertThatThrownBy(() -> TensorFrames.decode(doubled)).hasMessageContaining("x comes twice");
    }
}
