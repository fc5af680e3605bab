// Checks the assembled WebAssembly kernels against naive JavaScript references on awkward sizes
// (tails of rows, columns, k and channels; padding, strides, dilations). Run by the build's test
// phase: node scripts/test-kernels.mjs DIR_WITH_KERNELS (re-run with Node's relaxed-SIMD flag where
// this Node needs one).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dir = process.argv[2];
if (!WebAssembly.validate(readFileSync(join(dir, 'kernels-relaxed.wasm')))) {
  const flag = '--experimental-wasm-relaxed-simd';
  if (process.execArgv.includes(flag)) {
    throw new Error('this Node cannot run relaxed SIMD even with ' + flag);
  }
  execFileSync(process.execPath, [flag, fileURLToPath(import.meta.url), dir], { stdio: 'inherit' });
  process.exit(0);
}
let seed = 12345;
const random = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
for (const name of ['kernels-relaxed.wasm', 'kernels-simd.wasm']) {
  const memory = new WebAssembly.Memory({ initial: 256 });
  const { instance } = await WebAssembly.instantiate(readFileSync(join(dir, name)), { env: { memory } });
  const K = instance.exports;
  const f = new Float32Array(memory.buffer);
  let top = 16;
  const alloc = (n) => { const at = top; top += (n + 7) & ~3; return at; };
  const rnd = () => random() * 2 - 1;
  let worst = 0;
  for (const m of [1, 2, 3, 4, 5, 9, 70, 130]) for (const n of [1, 3, 7, 8, 9, 16, 17]) for (const k of [1, 2, 3, 9, 31]) for (const relu of [0, 1]) for (const hasBias of [0, 1]) {
    top = 16;
    const lda = k + 1, ldc = n + 2;
    const a = alloc(m * lda), b = alloc(Math.ceil(n / 8) * 8 * k), bias = alloc(Math.ceil(n / 8) * 8), c = alloc(m * ldc);
    const A = [], B = [], BI = [];
    for (let i = 0; i < m * lda; i++) f[a + i] = A[i] = rnd();
    for (let i = 0; i < k * n; i++) B[i] = rnd();
    for (let j = 0; j < n; j++) f[bias + j] = BI[j] = rnd();
    for (let i = 0; i < Math.ceil(n / 8) * 8 * k; i++) f[b + i] = 0;
    for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) f[b + Math.floor(j / 8) * k * 8 + p * 8 + j % 8] = B[p * n + j];
    for (let i = 0; i < m * ldc; i++) f[c + i] = 12345;
    K.gemm(m, n, k, a * 4, lda * 4, b * 4, hasBias ? bias * 4 : -1, relu, c * 4, ldc * 4);
    for (let i = 0; i < m; i++) for (let j = 0; j < ldc; j++) {
      const got = f[c + i * ldc + j];
      if (j >= n) { if (got !== 12345) throw new Error(`overwrite m${m} n${n} k${k} at ${i},${j}`); continue; }
      let s = hasBias ? BI[j] : 0;
      for (let p = 0; p < k; p++) s += A[i * lda + p] * B[p * n + j];
      if (relu) s = Math.max(0, s);
      worst = Math.max(worst, Math.abs(s - got));
      if (Math.abs(s - got) > 1e-4) throw new Error(`gemm m${m} n${n} k${k} relu${relu} bias${hasBias} (${i},${j}) ${got} vs ${s}`);
    }
  }
  // pad + conv (implicit GEMM) + maxpool
  for (const [batch, h, w, c, n, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw] of [[2, 5, 6, 3, 5, 3, 2, 2, 1, 1, 1, 1, 0, 1, 2], [1, 28, 28, 1, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1], [3, 7, 9, 16, 32, 3, 3, 1, 2, 0, 2, 2, 1, 2, 1], [1, 4, 4, 5, 9, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1], [2, 14, 14, 16, 32, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1], [1, 7, 7, 8, 10, 2, 2, 2, 2, 0, 0, 1, 1, 1, 1]]) {
  const oh = Math.floor((h + pt + pb - ((kh - 1) * dh + 1)) / sh) + 1, ow = Math.floor((w + pl + pr - ((kw - 1) * dw + 1)) / sw) + 1;
  const hp = Math.max(pt + h, (oh - 1) * sh + (kh - 1) * dh + 1), wp = Math.max(pl + w, (ow - 1) * sw + (kw - 1) * dw + 1);
  top = 16;
  const K9 = kh * kw * c;
  const x = alloc(batch * h * w * c), xp = alloc(batch * hp * wp * c), y = alloc(batch * oh * ow * n), py = alloc(batch * oh * ow * c);
  const b = alloc(Math.ceil(n / 8) * 8 * K9), bias = alloc(Math.ceil(n / 8) * 8);
  const W = [];
  for (let i = 0; i < batch * h * w * c; i++) f[x + i] = rnd();
  for (let i = 0; i < K9 * n; i++) W[i] = rnd();
  for (let i = 0; i < Math.ceil(n / 8) * 8 * K9; i++) f[b + i] = 0;
  for (let p = 0; p < K9; p++) for (let j = 0; j < n; j++) f[b + Math.floor(j / 8) * K9 * 8 + p * 8 + j % 8] = W[p * n + j];
  for (let j = 0; j < n; j++) f[bias + j] = rnd();
  for (let i = 0; i < batch * hp * wp * c; i++) f[xp + i] = 777;
  K.pad(x * 4, batch, h, w, c, pt, pl, hp, wp, xp * 4);
  K.conv(xp * 4, batch, hp, wp, c, kh, kw, sh, sw, dh, dw, oh, ow, b * 4, bias * 4, 1, y * 4, n);
  K.maxpool(x * 4, batch, h, w, c, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow, py * 4);
  for (let img = 0; img < batch; img++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
    const mx = new Array(c).fill(-Infinity);
    for (let j = 0; j < n; j++) {
      let s = f[bias + j], kk = 0;
      for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) for (let ch = 0; ch < c; ch++, kk++) {
        const iy = oy * sh - pt + ky * dh, ix = ox * sw - pl + kx * dw;
        const inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
        const v = inside ? f[x + ((img * h + iy) * w + ix) * c + ch] : 0;
        s += v * W[kk * n + j];
        if (inside && j === 0) mx[ch] = Math.max(mx[ch], v);
      }
      s = Math.max(0, s);
      const got = f[y + ((img * oh + oy) * ow + ox) * n + j];
      if (Math.abs(got - s) > 1e-4) throw new Error(`conv ${h}x${w}x${c} ${img},${oy},${ox},${j}: ${got} vs ${s}`);
    }
    for (let ch = 0; ch < c; ch++) if (f[py + ((img * oh + oy) * ow + ox) * c + ch] !== Math.fround(mx[ch])) throw new Error(`maxpool ${h}x${w}x${c} at ${img},${oy},${ox},${ch}: ${f[py + ((img * oh + oy) * ow + ox) * c + ch]} vs ${mx[ch]}`);
  }
  }
  const batch = 2, h = 5, w = 6, c = 3;
  top = 16;
  const x = alloc(batch * h * w * c), col = alloc(batch * h * w * c);
  for (let i = 0; i < batch * h * w * c; i++) f[x + i] = rnd();
  K.transpose(x * 4, batch, h * w, c, col * 4);
  for (let img = 0; img < batch; img++) for (let p = 0; p < h * w; p++) for (let ch = 0; ch < c; ch++)
    if (f[col + img * h * w * c + ch * h * w + p] !== f[x + img * h * w * c + p * c + ch]) throw new Error('transpose');
  K.relu(x * 4, 37, col * 4);
  for (let i = 0; i < 37; i++) if (f[col + i] !== Math.max(0, f[x + i])) throw new Error('relu');
  console.log('[kernels] ' + name + ': gemm, pad, conv, maxpool, transpose, relu match the references (worst gemm error ' + worst.toExponential(1) + ')');
}
