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

    @JSBody(script = "var k = self.PocketGridKernel; if (!k || !k.module) return null;"
            + " var memory = new WebAssembly.Memory({initial: 1, maximum: 65536});"
            + " var e = new WebAssembly.Instance(k.module, {env: {memory: memory}}).exports;"
            + " return {memory: memory, gemm: e.gemm, pad: e.pad, conv: e.conv, maxpool: e.maxpool,"
            + " transpose: e.transpose, relu: e.relu};")
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
    public void gemm(int m, int n, int k, int a, int lda, int b, int bias, boolean relu, int c, int ldc) {
        gemm(kernel, m, n, k, a * 4, lda * 4, b * 4, bias < 0 ? -1 : bias * 4, relu ? 1 : 0, c * 4, ldc * 4);
    }

    @Override
    public void pad(int x, int batch, int h, int w, int c, int padTop, int padLeft, int hp, int wp, int y) {
        pad(kernel, x * 4, batch, h, w, c, padTop, padLeft, hp, wp, y * 4);
    }

    @Override
    public void conv(int xp, int batch, int hp, int wp, Window2d w, int b, int bias, boolean relu, int y, int n) {
        conv(kernel, xp * 4, batch, hp, wp, w.c(), w.kh(), w.kw(), w.sh(), w.sw(), w.dh(), w.dw(), w.oh(), w.ow(),
                b * 4, bias < 0 ? -1 : bias * 4, relu ? 1 : 0, y * 4, n);
    }

    @Override
    public void maxPool(int x, int batch, Window2d w, int y) {
        maxPool(kernel, x * 4, batch, w.h(), w.w(), w.c(), w.kh(), w.kw(), w.sh(), w.sw(), w.padTop(), w.padLeft(),
                w.dh(), w.dw(), w.oh(), w.ow(), y * 4);
    }

    @Override
    public void transpose(int x, int batch, int rows, int cols, int y) {
        transpose(kernel, x * 4, batch, rows, cols, y * 4);
    }

    @Override
    public void relu(int x, int len, int y) {
        relu(kernel, x * 4, len, y * 4);
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

    @JSBody(params = {"k", "m", "n", "kk", "a", "lda", "b", "bias", "relu", "c", "ldc"},
            script = "k.gemm(m, n, kk, a, lda, b, bias, relu, c, ldc);")
    private static native void gemm(JSObject k, int m, int n, int kk, int a, int lda, int b, int bias, int relu, int c,
            int ldc);

    @JSBody(params = {"k", "x", "batch", "h", "w", "c", "pt", "pl", "hp", "wp", "y"},
            script = "k.pad(x, batch, h, w, c, pt, pl, hp, wp, y);")
    private static native void pad(JSObject k, int x, int batch, int h, int w, int c, int pt, int pl, int hp, int wp,
            int y);

    @JSBody(params = {"k", "xp", "batch", "hp", "wp", "c", "kh", "kw", "sh", "sw", "dh", "dw", "oh", "ow", "b", "bias",
        "relu", "y", "n"}, script = "k.conv(xp, batch, hp, wp, c, kh, kw, sh, sw, dh, dw, oh, ow, b, bias, relu, y, n);")
    private static native void conv(JSObject k, int xp, int batch, int hp, int wp, int c, int kh, int kw, int sh,
            int sw, int dh, int dw, int oh, int ow, int b, int bias, int relu, int y, int n);

    @JSBody(params = {"k", "x", "batch", "h", "w", "c", "kh", "kw", "sh", "sw", "pt", "pl", "dh", "dw", "oh", "ow",
        "y"}, script = "k.maxpool(x, batch, h, w, c, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow, y);")
    private static native void maxPool(JSObject k, int x, int batch, int h, int w, int c, int kh, int kw, int sh,
            int sw, int pt, int pl, int dh, int dw, int oh, int ow, int y);

    @JSBody(params = {"k", "x", "batch", "rows", "cols", "y"}, script = "k.transpose(x, batch, rows, cols, y);")
    private static native void transpose(JSObject k, int x, int batch, int rows, int cols, int y);

    @JSBody(params = {"k", "x", "n", "y"}, script = "k.relu(x, n, y);")
    private static native void relu(JSObject k, int x, int n, int y);
}
