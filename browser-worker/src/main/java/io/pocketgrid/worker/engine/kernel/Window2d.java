package io.pocketgrid.worker.engine.kernel;

/**
 * A resolved 2-D sliding window over NHWC images: input {@code h×w×c}, kernel {@code kh×kw},
 * strides, leading padding, dilations and the output size (which already accounts for trailing
 * padding and ceil mode).
 */
public record Window2d(int h, int w, int c, int kh, int kw, int sh, int sw, int padTop, int padLeft,
        int dh, int dw, int oh, int ow) {

    /** Inputs per output pixel and channel: {@code kh·kw·c} (the GEMM's k). */
    public int patch() {
        return kh * kw * c;
    }

    /** Output positions per image. */
    public int outPositions() {
        return oh * ow;
    }
}
