package io.pocketgrid.worker.engine;

import static io.pocketgrid.worker.engine.OnnxBuilder.i;
import static io.pocketgrid.worker.engine.OnnxBuilder.ints;
import static io.pocketgrid.worker.engine.OnnxBuilder.names;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Conv through im2col + Sgemm against a direct naive convolution. */
class ConvTest {

    @Test
    void groupedDilatedStridedPaddedConvMatchesNaive() {
        check(1, 4, 7, 9, 6, 3, 3, 2, 1, 2, 2, 1);
        check(2, 6, 8, 8, 6, 3, 3, 6, 1, 1, 1, 1);   // depthwise
        check(1, 3, 5, 5, 4, 1, 1, 1, 1, 1, 0, 0);   // 1x1 direct path
        check(2, 2, 10, 6, 3, 5, 2, 1, 3, 1, 2, 0);
    }

    private static void check(int n, int c, int h, int w, int m, int kh, int kw, int group, int stride, int dil,
            int padH, int padW) {
        Random rnd = new Random(n * 100 + c);
        float[] x = ModelTest.random(rnd, n * c * h * w);
        int cg = c / group;
        float[] wt = ModelTest.random(rnd, m * cg * kh * kw);
        float[] b = ModelTest.random(rnd, m);
        byte[] model = new OnnxBuilder(13).input("x", n, c, h, w).output("y", -1, -1, -1, -1)
                .initializer("w", Tensor.ofFloats(wt, m, cg, kh, kw))
                .initializer("b", Tensor.ofFloats(b, m))
                .node("Conv", names("x", "w", "b"), names("y"), i("group", group), ints("strides", stride, stride),
                        ints("dilations", dil, dil), ints("pads", padH, padW, padH, padW))
                .build();

        Tensor y = Model.load(model).run(Map.of("x", Tensor.ofFloats(x, n, c, h, w))).get("y");

        int oh = (h + 2 * padH - dil * (kh - 1) - 1) / stride + 1;
        int ow = (w + 2 * padW - dil * (kw - 1) - 1) / stride + 1;
        assertThat(y.dims()).containsExactly(n, m, oh, ow);
        int mg = m / group;
        for (int img = 0; img < n; img++) {
            for (int oc = 0; oc < m; oc++) {
                int g = oc / mg;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double s = b[oc];
                        for (int ic = 0; ic < cg; ic++) {
                            for (int ky = 0; ky < kh; ky++) {
                                for (int kx = 0; kx < kw; kx++) {
                                    int iy = oy * stride - padH + ky * dil;
                                    int ix = ox * stride - padW + kx * dil;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                        s += x[((img * c + g * cg + ic) * h + iy) * w + ix]
                                                * wt[((oc * cg + ic) * kh + ky) * kw + kx];
                                    }
                                }
                            }
                        }
                        float got = y.floats()[((img * m + oc) * oh + oy) * ow + ox];
                        assertThat(got).isCloseTo((float) s, org.assertj.core.data.Offset.offset(1e-4f));
                    }
                }
            }
        }
    }
}
