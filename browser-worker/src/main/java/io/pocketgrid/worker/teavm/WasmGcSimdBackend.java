package io.pocketgrid.worker.teavm;

import io.pocketgrid.worker.engine.kernel.GemmBackend;
import io.pocketgrid.worker.engine.kernel.Window2d;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import org.teavm.jso.JSBody;
import org.teavm.jso.typedarrays.Float32Array;

/**
 * The SIMD backend of the WebAssembly-GC build: every region is a direct NIO buffer, i.e. a block
 * of TeaVM's linear memory, so the kernels ({@link WasmKernels}) work on it in place and an
 * address is simply its position in that memory (in floats).
 */
final class WasmGcSimdBackend implements GemmBackend, JsMemory {

    private final String build;
    private final String name;
    private final Map<Integer, FloatBuffer> regions = new HashMap<>();

    /** For the TeaVM build named {@code build} (engine.js keeps each build's memory under its name). */
    WasmGcSimdBackend(String build) {
        this.build = build;
        this.name = kernelName();
    }

    /** True when engine.js linked the kernel module into this build (the browser has WebAssembly SIMD). */
    @JSBody(params = "build", script = "var k = self.PocketGridKernel; return !!(k && k.memories && k.memories[build]);")
    static native boolean linked(String build);

    @JSBody(script = "return String(self.PocketGridKernel.name);")
    private static native String kernelName();

    @Override
    public String name() {
        return name;
    }

    @Override
    public int alloc(int floats) {
        ByteBuffer bytes = ByteBuffer.allocateDirect(floats * 4 + 16).order(ByteOrder.LITTLE_ENDIAN);
        int byteAddress = Float32Array.fromJavaBuffer(bytes).getByteOffset();
        int skip = (16 - (byteAddress & 15)) & 15;
        bytes.position(skip);
        FloatBuffer region = bytes.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        int address = (byteAddress + skip) / 4;
        regions.put(address, region);
        return address;
    }

    @Override
    public void free(int address) {
        regions.remove(address);
    }

    @Override
    public void write(int address, float[] src, int off, int len) {
        Map.Entry<Integer, FloatBuffer> r = region(address);
        r.getValue().put(address - r.getKey(), src, off, len);
    }

    @Override
    public void read(int address, float[] dst, int off, int len) {
        Map.Entry<Integer, FloatBuffer> r = region(address);
        r.getValue().get(address - r.getKey(), dst, off, len);
    }

    @Override
    public void write(int address, Float32Array src) {
        JsMemoryViews.write(build, address, src);
    }

    @Override
    public Float32Array read(int address, int len) {
        return JsMemoryViews.read(build, address, len);
    }

    @Override
    public void gemm(int m, int n, int k, int a, int lda, int b, int bias, int res, float lo, float hi, int c,
            int ldc) {
        WasmKernels.gemm(m, n, k, a * 4, lda * 4, b * 4, bytes(bias), bytes(res), lo, hi, c * 4, ldc * 4);
    }

    @Override
    public void pad(int x, int batch, int h, int w, int c, int padTop, int padLeft, int hp, int wp, int y) {
        WasmKernels.pad(x * 4, batch, h, w, c, padTop, padLeft, hp, wp, y * 4);
    }

    @Override
    public void conv(int xp, int batch, int hp, int wp, Window2d w, int b, int bias, int res, float lo, float hi, int y,
            int n) {
        WasmKernels.conv(xp * 4, batch, hp, wp, w.c(), w.kh(), w.kw(), w.sh(), w.sw(), w.dh(), w.dw(), w.oh(), w.ow(),
                b * 4, bytes(bias), bytes(res), lo, hi, y * 4, n);
    }

    @Override
    public void depthwise(int xp, int batch, int hp, int wp, Window2d w, int wts, int bias, float lo, float hi, int y) {
        WasmKernels.depthwise(xp * 4, batch, hp, wp, w.c(), w.kh(), w.kw(), w.sh(), w.sw(), w.dh(), w.dw(), w.oh(),
                w.ow(), wts * 4, bytes(bias), lo, hi, y * 4);
    }

    @Override
    public void maxPool(int x, int batch, Window2d w, int y) {
        WasmKernels.maxPool(x * 4, batch, w.h(), w.w(), w.c(), w.kh(), w.kw(), w.sh(), w.sw(), w.padTop(), w.padLeft(),
                w.dh(), w.dw(), w.oh(), w.ow(), y * 4);
    }

    @Override
    public void globalAvgPool(int x, int batch, int hw, int c, int y) {
        WasmKernels.gap(x * 4, batch, hw, c, y * 4);
    }

    @Override
    public void transpose(int x, int batch, int rows, int cols, int blk, int y) {
        WasmKernels.transpose(x * 4, batch, rows, cols, blk, y * 4);
    }

    @Override
    public void clamp(int x, int len, float lo, float hi, int y) {
        WasmKernels.clamp(x * 4, len, lo, hi, y * 4);
    }

    @Override
    public void add(int x, int y, int len, int yLen, int z) {
        WasmKernels.add(x * 4, y * 4, len, yLen, z * 4);
    }

    @Override
    public void mul(int x, int y, int len, int yLen, int z) {
        WasmKernels.mul(x * 4, y * 4, len, yLen, z * 4);
    }

    @Override
    public void affine(int x, int len, float scale, float shift, int y) {
        WasmKernels.affine(x * 4, len, scale, shift, y * 4);
    }

    @Override
    public void channelAffine(int x, int rows, int cols, int scale, int shift, int y) {
        WasmKernels.chaffine(x * 4, rows, cols, scale * 4, bytes(shift), y * 4);
    }

    @Override
    public void unary(int op, int x, int len, float alpha, float beta, int y) {
        WasmKernels.unary(op, x * 4, len, alpha, beta, y * 4);
    }

    @Override
    public void softmax(int x, int rows, int cols, int y) {
        WasmKernels.softmax(x * 4, rows, cols, y * 4);
    }

    @Override
    public void layerNorm(int x, int rows, int cols, int gamma, int beta, float eps, int y) {
        WasmKernels.layernorm(x * 4, rows, cols, bytes(gamma), bytes(beta), eps, y * 4);
    }

    @Override
    public void packB(int src, int k, int n, int rs, int cs, int dst) {
        WasmKernels.packb(src * 4, k, n, rs, cs, dst * 4);
    }

    /** The byte address of an optional operand at float address {@code at}, or -1 (none) when it is negative. */
    private static int bytes(int at) {
        return at < 0 ? -1 : at * 4;
    }

    @Override
    public void close() {
        regions.clear();
    }

    /** The region holding {@code address} (a plan reads and writes whole tensors inside one region). */
    private Map.Entry<Integer, FloatBuffer> region(int address) {
        for (Map.Entry<Integer, FloatBuffer> r : regions.entrySet()) {
            if (address >= r.getKey() && address < r.getKey() + r.getValue().capacity()) {
                return r;
            }
        }
        throw new IllegalArgumentException("address " + address + " is in no region");
    }

    /** Typed-array views of TeaVM's memory, made per call because growing the memory detaches old ones. */
    private static final class JsMemoryViews {
        private JsMemoryViews() {
        }

        @JSBody(params = {"build", "address", "src"}, script =
                "new Float32Array(self.PocketGridKernel.memories[build].buffer, address * 4, src.length).set(src);")
        static native void write(String build, int address, Float32Array src);

        @JSBody(params = {"build", "address", "len"}, script =
                "return new Float32Array(self.PocketGridKernel.memories[build].buffer, address * 4, len).slice();")
        static native Float32Array read(String build, int address, int len);
    }
}
