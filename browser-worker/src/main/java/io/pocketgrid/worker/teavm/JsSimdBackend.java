package io.pocketgrid.worker.teavm;

import io.pocketgrid.worker.engine.kernel.Arena;
import io.pocketgrid.worker.engine.kernel.GemmBackend;
import io.pocketgrid.worker.engine.kernel.Window2d;
import org.teavm.jso.JSBody;
import org.teavm.jso.JSObject;
import org.teavm.jso.typedarrays.Float32Array;

/**
 * The SIMD backend of the JavaScript build: the kernel module instantiated on a memory of its own,
 * which this backend lays out with an {@link Arena} and grows as plans need; Java only passes
 * addresses. {@code engine.js} compiles the module once ({@code self.PocketGridKernel}).
 */
final class JsSimdBackend implements GemmBackend, JsMemory {

    private final JSObject kernel;
    private final String name;
    private final Arena arena = new Arena(16);

    private JsSimdBackend(JSObject kernel, String name) {
        this.kernel = kernel;
        this.name = name;
    }

    /** A backend on a new kernel instance, or null when the browser has no WebAssembly SIMD. */
    static JsSimdBackend create() {
        JSObject k = instantiate();
        return k == null ? null : new JsSimdBackend(k, kernelName());
    }

    @JSBody(script = "return !!(self.PocketGridKernel && self.PocketGridKernel.module);")
    static native boolean available();

    /** {@code {memory, gemm, pad, conv, …}}: a new memory and the exports of the kernel instance on it. */
    @JSBody(script = "var k = self.PocketGridKernel; if (!k || !k.module) return null;"
            + " var memory = new WebAssembly.Memory({initial: 1, maximum: 65536});"
            + " var e = new WebAssembly.Instance(k.module, {env: {memory: memory}}).exports;"
            + " var o = {memory: memory}; Object.keys(e).forEach(function (f) { o[f] = e[f]; }); return o;")
    private static native JSObject instantiate();

    @JSBody(script = "return String(self.PocketGridKernel.name);")
    private static native String kernelName();

    @Override
    public String name() {
        return name;
    }

    @Override
    public int alloc(int floats) {
        int at = arena.alloc(floats);
        ensure(kernel, arena.top() * 4.0);
        return at;
    }

    @Override
    public void free(int address) {
        arena.free(address);
    }

    @Override
    public void write(int address, float[] src, int off, int len) {
        copyIn(kernel, address, Float32Array.fromJavaArray(src), off, len);
    }

    @Override
    public void read(int address, float[] dst, int off, int len) {
        copyOut(kernel, address, Float32Array.fromJavaArray(dst), off, len);
    }

    @Override
    public void write(int address, Float32Array src) {
        copyIn(kernel, address, src, 0, src.getLength());
    }

    @Override
    public Float32Array read(int address, int len) {
        return copy(kernel, address, len);
    }

    @Override
    public void gemm(int m, int n, int k, int a, int lda, int b, int bias, int res, float lo, float hi, int c,
            int ldc) {
        gemm(kernel, m, n, k, a * 4, lda * 4, b * 4, bytes(bias), bytes(res), lo, hi, c * 4, ldc * 4);
    }

    @Override
    public void pad(int x, int batch, int h, int w, int c, int padTop, int padLeft, int hp, int wp, int y) {
        pad(kernel, x * 4, batch, h, w, c, padTop, padLeft, hp, wp, y * 4);
    }

    @Override
    public void conv(int xp, int batch, int hp, int wp, Window2d w, int b, int bias, int res, float lo, float hi, int y,
            int n) {
        conv(kernel, xp * 4, batch, hp, wp, w.c(), w.kh(), w.kw(), w.sh(), w.sw(), w.dh(), w.dw(), w.oh(), w.ow(),
                b * 4, bytes(bias), bytes(res), lo, hi, y * 4, n);
    }

    @Override
    public void depthwise(int xp, int batch, int hp, int wp, Window2d w, int wts, int bias, float lo, float hi, int y) {
        depthwise(kernel, xp * 4, batch, hp, wp, w.c(), w.kh(), w.kw(), w.sh(), w.sw(), w.dh(), w.dw(), w.oh(),
                w.ow(), wts * 4, bytes(bias), lo, hi, y * 4);
    }

    @Override
    public void maxPool(int x, int batch, Window2d w, int y) {
        maxPool(kernel, x * 4, batch, w.h(), w.w(), w.c(), w.kh(), w.kw(), w.sh(), w.sw(), w.padTop(), w.padLeft(),
                w.dh(), w.dw(), w.oh(), w.ow(), y * 4);
    }

    @Override
    public void globalAvgPool(int x, int batch, int hw, int c, int y) {
        gap(kernel, x * 4, batch, hw, c, y * 4);
    }

    @Override
    public void transpose(int x, int batch, int rows, int cols, int blk, int y) {
        transpose(kernel, x * 4, batch, rows, cols, blk, y * 4);
    }

    @Override
    public void clamp(int x, int len, float lo, float hi, int y) {
        clamp(kernel, x * 4, len, lo, hi, y * 4);
    }

    @Override
    public void add(int x, int y, int len, int yLen, int z) {
        add(kernel, x * 4, y * 4, len, yLen, z * 4);
    }

    @Override
    public void mul(int x, int y, int len, int yLen, int z) {
        mul(kernel, x * 4, y * 4, len, yLen, z * 4);
    }

    @Override
    public void affine(int x, int len, float scale, float shift, int y) {
        affine(kernel, x * 4, len, scale, shift, y * 4);
    }

    @Override
    public void channelAffine(int x, int rows, int cols, int scale, int shift, int y) {
        chaffine(kernel, x * 4, rows, cols, scale * 4, bytes(shift), y * 4);
    }

    @Override
    public void unary(int op, int x, int len, float alpha, float beta, int y) {
        unary(kernel, op, x * 4, len, alpha, beta, y * 4);
    }

    @Override
    public void softmax(int x, int rows, int cols, int y) {
        softmax(kernel, x * 4, rows, cols, y * 4);
    }

    @Override
    public void layerNorm(int x, int rows, int cols, int gamma, int beta, float eps, int y) {
        layernorm(kernel, x * 4, rows, cols, bytes(gamma), bytes(beta), eps, y * 4);
    }

    @Override
    public void packB(int src, int k, int n, int rs, int cs, int dst) {
        packb(kernel, src * 4, k, n, rs, cs, dst * 4);
    }

    /** The byte address of an optional operand at float address {@code at}, or -1 (none) when it is negative. */
    private static int bytes(int at) {
        return at < 0 ? -1 : at * 4;
    }

    @JSBody(params = {"k", "bytes"}, script = "var have = k.memory.buffer.byteLength;"
            + " if (bytes > have) k.memory.grow(Math.ceil((bytes - have) / 65536));")
    private static native void ensure(JSObject k, double bytes);

    @JSBody(params = {"k", "address", "src", "off", "len"}, script =
            "new Float32Array(k.memory.buffer, address * 4, len).set(src.subarray(off, off + len));")
    private static native void copyIn(JSObject k, int address, Float32Array src, int off, int len);

    @JSBody(params = {"k", "address", "dst", "off", "len"}, script =
            "dst.set(new Float32Array(k.memory.buffer, address * 4, len), off);")
    private static native void copyOut(JSObject k, int address, Float32Array dst, int off, int len);

    @JSBody(params = {"k", "address", "len"}, script = "return new Float32Array(k.memory.buffer, address * 4, len).slice();")
    private static native Float32Array copy(JSObject k, int address, int len);

    @JSBody(params = {"k", "m", "n", "kk", "a", "lda", "b", "bias", "res", "lo", "hi", "c", "ldc"},
            script = "k.gemm(m, n, kk, a, lda, b, bias, res, lo, hi, c, ldc);")
    private static native void gemm(JSObject k, int m, int n, int kk, int a, int lda, int b, int bias, int res, float lo,
            float hi, int c, int ldc);

    @JSBody(params = {"k", "x", "batch", "h", "w", "c", "pt", "pl", "hp", "wp", "y"},
            script = "k.pad(x, batch, h, w, c, pt, pl, hp, wp, y);")
    private static native void pad(JSObject k, int x, int batch, int h, int w, int c, int pt, int pl, int hp, int wp,
            int y);

    @JSBody(params = {"k", "xp", "batch", "hp", "wp", "c", "kh", "kw", "sh", "sw", "dh", "dw", "oh", "ow", "b", "bias",
        "res", "lo", "hi", "y", "n"},
            script = "k.conv(xp, batch, hp, wp, c, kh, kw, sh, sw, dh, dw, oh, ow, b, bias, res, lo, hi, y, n);")
    private static native void conv(JSObject k, int xp, int batch, int hp, int wp, int c, int kh, int kw, int sh,
            int sw, int dh, int dw, int oh, int ow, int b, int bias, int res, float lo, float hi, int y, int n);

    @JSBody(params = {"k", "xp", "batch", "hp", "wp", "c", "kh", "kw", "sh", "sw", "dh", "dw", "oh", "ow", "wts",
        "bias", "lo", "hi", "y"},
            script = "k.depthwise(xp, batch, hp, wp, c, kh, kw, sh, sw, dh, dw, oh, ow, wts, bias, lo, hi, y);")
    private static native void depthwise(JSObject k, int xp, int batch, int hp, int wp, int c, int kh, int kw, int sh,
            int sw, int dh, int dw, int oh, int ow, int wts, int bias, float lo, float hi, int y);

    @JSBody(params = {"k", "x", "batch", "h", "w", "c", "kh", "kw", "sh", "sw", "pt", "pl", "dh", "dw", "oh", "ow",
        "y"}, script = "k.maxpool(x, batch, h, w, c, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow, y);")
    private static native void maxPool(JSObject k, int x, int batch, int h, int w, int c, int kh, int kw, int sh,
            int sw, int pt, int pl, int dh, int dw, int oh, int ow, int y);

    @JSBody(params = {"k", "x", "batch", "hw", "c", "y"}, script = "k.gap(x, batch, hw, c, y);")
    private static native void gap(JSObject k, int x, int batch, int hw, int c, int y);

    @JSBody(params = {"k", "x", "batch", "rows", "cols", "blk", "y"},
            script = "k.transpose(x, batch, rows, cols, blk, y);")
    private static native void transpose(JSObject k, int x, int batch, int rows, int cols, int blk, int y);

    @JSBody(params = {"k", "x", "n", "lo", "hi", "y"}, script = "k.clamp(x, n, lo, hi, y);")
    private static native void clamp(JSObject k, int x, int n, float lo, float hi, int y);

    @JSBody(params = {"k", "x", "y", "len", "yLen", "z"}, script = "k.add(x, y, len, yLen, z);")
    private static native void add(JSObject k, int x, int y, int len, int yLen, int z);

    @JSBody(params = {"k", "x", "y", "len", "yLen", "z"}, script = "k.mul(x, y, len, yLen, z);")
    private static native void mul(JSObject k, int x, int y, int len, int yLen, int z);

    @JSBody(params = {"k", "x", "n", "scale", "shift", "y"}, script = "k.affine(x, n, scale, shift, y);")
    private static native void affine(JSObject k, int x, int n, float scale, float shift, int y);

    @JSBody(params = {"k", "x", "rows", "cols", "scale", "shift", "y"},
            script = "k.chaffine(x, rows, cols, scale, shift, y);")
    private static native void chaffine(JSObject k, int x, int rows, int cols, int scale, int shift, int y);

    @JSBody(params = {"k", "op", "x", "n", "alpha", "beta", "y"}, script = "k.unary(op, x, n, alpha, beta, y);")
    private static native void unary(JSObject k, int op, int x, int n, float alpha, float beta, int y);

    @JSBody(params = {"k", "x", "rows", "cols", "y"}, script = "k.softmax(x, rows, cols, y);")
    private static native void softmax(JSObject k, int x, int rows, int cols, int y);

    @JSBody(params = {"k", "x", "rows", "cols", "gamma", "beta", "eps", "y"},
            script = "k.layernorm(x, rows, cols, gamma, beta, eps, y);")
    private static native void layernorm(JSObject k, int x, int rows, int cols, int gamma, int beta, float eps, int y);

    @JSBody(params = {"k", "src", "kk", "n", "rs", "cs", "dst"}, script = "k.packb(src, kk, n, rs, cs, dst);")
    private static native void packb(JSObject k, int src, int kk, int n, int rs, int cs, int dst);
}
