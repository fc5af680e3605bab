// Checks the assembled WebAssembly kernels against naive JavaScript references on awkward sizes
// (tails of rows, columns, k and channels; padding, strides, dilations; broadcasts; NaN, -0, inf),
// every export, both variants. Operands that a kernel must not read past are placed at the very
// end of the memory now and then, so that an over-read traps. Run by the build's test phase:
// node scripts/test-kernels.mjs DIR_WITH_KERNELS (re-run with Node's relaxed-SIMD flag where this
// Node needs one).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const [dir, only] = process.argv.slice(2);
if (!WebAssembly.validate(readFileSync(join(dir, 'kernels-relaxed.wasm')))) {
  const flag = '--experimental-wasm-relaxed-simd';
  if (process.execArgv.includes(flag)) {
    throw new Error('this Node cannot run relaxed SIMD even with ' + flag);
  }
  try {
    execFileSync(process.execPath, [flag, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  } catch (e) {
    process.exit(e.status || 1);
  }
  process.exit(0);
}
if (!only) {
  // One process per variant: Node 20 paused for ~0.6 s at every scavenge once a second kernel
  // instance had run in the same process (the test took 45 s instead of 2).
  for (const variant of ['kernels-relaxed.wasm', 'kernels-simd.wasm']) {
    try {
      execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), dir, variant], { stdio: 'inherit' });
    } catch (e) {
      process.exit(e.status || 1); // the child printed why
    }
  }
  process.exit(0);
}
const EXPORTS = ['gemm', 'pad', 'conv', 'depthwise', 'maxpool', 'gap', 'transpose', 'clamp', 'add', 'mul', 'affine',
  'chaffine', 'unary', 'softmax', 'layernorm', 'packb'];
let seed = 12345;
const random = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const rnd = () => random() * 2 - 1;
const fr = Math.fround;
const SENTINEL = 12345;
// Java's JavaGemmBackend.clamp: NaN stays, -0 becomes +0.
const clampJ = (v, lo, hi) => (Number.isNaN(v) ? v : v < lo ? lo : v > hi ? hi : v === 0 ? 0 : v);
const CLAMPS = [[-Infinity, Infinity], [0, Infinity], [0, 6], [-0.5, 0.7]];

// The scalar definitions of Activations.apply (double precision, rounded to float).
function erfRef(x) {
  const z = Math.abs(x);
  if (z < 0.5) {
    let term = x, sum = x;
    const x2 = x * x;
    for (let n = 1; n < 12; n++) {
      term *= -x2 / n;
      sum += term / (2 * n + 1);
    }
    return sum * 2 / Math.sqrt(Math.PI);
  }
  const t = 1 / (1 + 0.5 * z);
  const erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
    + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
    + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - erfc : erfc - 1;
}
const sigmoidRef = (x) => fr(x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const UNARY = {
  1: ['sigmoid', (x) => sigmoidRef(x)],
  2: ['silu', (x) => fr(x * sigmoidRef(x))],
  3: ['hardSigmoid', (x, a, b) => Math.max(0, Math.min(1, fr(fr(a * x) + b)))],
  4: ['hardSwish', (x, a, b) => fr(x * Math.max(0, Math.min(1, fr(fr(a * x) + b))))],
  5: ['gelu', (x) => fr(0.5 * x * (1 + erfRef(x / Math.SQRT2)))],
  6: ['tanh', (x) => fr(Math.tanh(x))],
  7: ['exp', (x) => fr(Math.exp(x))],
  8: ['erf', (x) => fr(erfRef(x))],
  9: ['leakyRelu', (x, a) => (x < 0 ? fr(a * x) : x)],
};

for (const name of [only]) {
  const memory = new WebAssembly.Memory({ initial: 512 });
  const { instance } = await WebAssembly.instantiate(readFileSync(join(dir, name)), { env: { memory } });
  const K = instance.exports;
  const missing = EXPORTS.filter((e) => typeof K[e] !== 'function');
  const extra = Object.keys(K).filter((e) => !EXPORTS.includes(e));
  if (missing.length || extra.length) throw new Error(`exports: missing ${missing}, unexpected ${extra}`);
  const f = new Float32Array(memory.buffer);
  let top = 16;
  const alloc = (n) => { const at = top; top += (n + 7) & ~3; return at; };
  // A region ending exactly at the end of the memory (start not aligned unless n is a multiple of 4).
  const atEnd = (n) => f.length - n;
  const fill = (at, n, gen) => { for (let i = 0; i < n; i++) f[at + i] = gen(i); };
  const worst = {};
  // got vs want within tolAbs + tolRel |want|; NaN and infinities must match exactly.
  const check = (kernel, got, want, tolAbs, tolRel, ctx) => {
    if (Number.isNaN(want) || !Number.isFinite(want)) {
      if (!Object.is(got, want) && !(Number.isNaN(want) && Number.isNaN(got))) {
        throw new Error(`${kernel} ${ctx()}: ${got} vs ${want}`);
      }
      return;
    }
    const err = Math.abs(got - want);
    if (!(err <= tolAbs + tolRel * Math.abs(want))) throw new Error(`${kernel} ${ctx()}: ${got} vs ${want}`);
    const w = worst[kernel] || (worst[kernel] = { abs: 0, rel: 0 });
    w.abs = Math.max(w.abs, err);
    if (Math.abs(want) >= 1e-3) w.rel = Math.max(w.rel, err / Math.abs(want));
  };
  const exact = (kernel, got, want, ctx) => {
    if (!Object.is(got, fr(want)) && !(Number.isNaN(got) && Number.isNaN(want))) {
      throw new Error(`${kernel} ${ctx()}: ${got} vs ${fr(want)}`);
    }
    worst[kernel] = worst[kernel] || { abs: 0, rel: 0 };
  };
  const untouched = (kernel, at, n, ctx) => {
    for (let i = 0; i < n; i++) if (f[at + i] !== SENTINEL) throw new Error(`${kernel} ${ctx()}: wrote past its output (+${i})`);
  };
  const packB = (B, k, n, at) => {
    const size = Math.ceil(n / 8) * 8 * k;
    for (let i = 0; i < size; i++) f[at + i] = 0;
    for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) f[at + Math.floor(j / 8) * k * 8 + p * 8 + j % 8] = B[p * n + j];
  };

  // gemm: bias or not, residual (none, separate, in place on C), clamps; C's columns past n untouched
  let variant = 0;
  for (const m of [1, 2, 3, 4, 5, 9, 70, 130]) for (const n of [1, 3, 7, 8, 9, 16, 17]) for (const k of [1, 2, 3, 9, 31]) for (const hasBias of [0, 1]) {
    variant++;
    const resMode = variant % 3; // 0 none, 1 separate, 2 in place (res == c)
    const [lo, hi] = CLAMPS[variant % 4];
    const endBias = variant % 5 === 0;
    top = 16;
    const lda = k + 1, ldc = n + 2;
    const a = alloc(m * lda), b = alloc(Math.ceil(n / 8) * 8 * k), c = alloc(m * ldc), res = alloc(m * ldc);
    const bias = endBias ? atEnd(n) : alloc(n);
    const A = [], B = [], BI = [], R = [];
    fill(a, m * lda, (i) => (A[i] = fr(rnd())));
    for (let i = 0; i < k * n; i++) B[i] = fr(rnd());
    fill(bias, n, (j) => (BI[j] = fr(rnd())));
    packB(B, k, n, b);
    fill(c, m * ldc, (i) => (i % ldc >= n ? SENTINEL : resMode === 2 ? (R[i] = fr(rnd())) : 777));
    fill(res, m * ldc, (i) => (resMode === 1 ? (R[i] = fr(rnd())) : 999));
    K.gemm(m, n, k, a * 4, lda * 4, b * 4, hasBias ? bias * 4 : -1, resMode === 0 ? -1 : (resMode === 1 ? res : c) * 4,
      lo, hi, c * 4, ldc * 4);
    for (let i = 0; i < m; i++) for (let j = 0; j < ldc; j++) {
      const got = f[c + i * ldc + j];
      const ctx = () => `m${m} n${n} k${k} bias${hasBias} res${resMode} [${lo},${hi}] (${i},${j})`;
      if (j >= n) { if (got !== SENTINEL) throw new Error(`gemm overwrite ${ctx()}`); continue; }
      let s = hasBias ? BI[j] : 0;
      for (let p = 0; p < k; p++) s += A[i * lda + p] * B[p * n + j];
      if (resMode) s += R[i * ldc + j];
      check('gemm', got, clampJ(s, lo, hi), 1e-4, 1e-5, ctx);
      if (lo === 0 && s < 0 && !Object.is(got, 0)) throw new Error(`gemm ${ctx()}: ${got} is not +0`);
    }
  }
  // NaN in a bias or a residual goes through the clamp; bias, then residual, at the very end of memory
  // with partial panels of 5..7 columns (the lane-by-lane loads must not read past them)
  for (const n of [13, 14, 15, 19]) for (const biasAtEnd of [0, 1]) {
    top = 16;
    const m = 5, k = 3, nan = (j) => j === 1 || j === 5 || j === 12;
    const a = alloc(m * k), b = alloc(24 * k), c = alloc(m * n);
    const bias = biasAtEnd ? atEnd(n) : alloc(n), res = biasAtEnd ? alloc(m * n) : atEnd(m * n);
    fill(a, m * k, () => rnd());
    fill(b, 24 * k, () => rnd());
    fill(bias, n, (j) => (j === 1 || j === 12 ? NaN : 0));
    fill(res, m * n, (i) => (i % n === 5 ? NaN : rnd()));
    K.gemm(m, n, k, a * 4, k * 4, b * 4, bias * 4, res * 4, 0, 6, c * 4, n * 4);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      if (Number.isNaN(f[c + i * n + j]) !== nan(j)) throw new Error(`gemm NaN at ${i},${j} (n ${n})`);
    }
  }

  // pad + conv (implicit GEMM, with residual and clamps) + maxpool + depthwise on the same windows
  const windows = [
    // batch, h, w, c, n, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw
    [2, 5, 6, 3, 5, 3, 2, 2, 1, 1, 1, 1, 0, 1, 2], [1, 28, 28, 1, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1],
    [3, 7, 9, 16, 32, 3, 3, 1, 2, 0, 2, 2, 1, 2, 1], [1, 4, 4, 5, 9, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1],
    [2, 14, 14, 16, 32, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1], [1, 7, 7, 8, 10, 2, 2, 2, 2, 0, 0, 1, 1, 1, 1],
    [2, 9, 11, 13, 7, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1], [1, 10, 13, 32, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1],
    [1, 6, 17, 12, 3, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1], [2, 8, 8, 20, 4, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2],
    [1, 5, 9, 2, 6, 1, 3, 1, 1, 0, 1, 0, 1, 1, 1], [1, 3, 5, 36, 17, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1],
    [2, 6, 7, 7, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1], [1, 9, 9, 14, 9, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1],
    [1, 5, 11, 6, 3, 3, 3, 1, 2, 1, 1, 1, 1, 1, 1], [1, 4, 10, 15, 4, 3, 1, 1, 1, 1, 0, 1, 0, 1, 1],
    [1, 7, 9, 9, 5, 2, 3, 1, 1, 1, 1, 1, 1, 2, 1], [2, 9, 19, 11, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1],
    [1, 6, 21, 16, 3, 4, 3, 3, 2, 1, 1, 1, 1, 2, 1],
  ];
  for (const [wi, [batch, h, w, c, n, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw]] of windows.entries()) {
    const oh = Math.floor((h + pt + pb - ((kh - 1) * dh + 1)) / sh) + 1, ow = Math.floor((w + pl + pr - ((kw - 1) * dw + 1)) / sw) + 1;
    const hp = Math.max(pt + h, (oh - 1) * sh + (kh - 1) * dh + 1), wp = Math.max(pl + w, (ow - 1) * sw + (kw - 1) * dw + 1);
    const [lo, hi] = CLAMPS[wi % 4];
    const resMode = wi % 3;
    top = 16;
    const K9 = kh * kw * c, cp = (c + 3) & ~3;
    const x = alloc(batch * h * w * c), y = alloc(batch * oh * ow * n), res = alloc(batch * oh * ow * n);
    const py = alloc(batch * oh * ow * c), dy = alloc(batch * oh * ow * c + 8);
    const b = alloc(Math.ceil(n / 8) * 8 * K9), bias = alloc(n), wts = alloc(kh * kw * cp), dbias = alloc(cp);
    const xp = wi % 2 ? atEnd(batch * hp * wp * c) : alloc(batch * hp * wp * c);
    const W = [];
    fill(x, batch * h * w * c, () => rnd());
    for (let i = 0; i < K9 * n; i++) W[i] = fr(rnd());
    packB(W, K9, n, b);
    fill(bias, n, () => rnd());
    fill(wts, kh * kw * cp, (i) => (i % cp < c ? rnd() : 0));
    fill(dbias, cp, (i) => (i < c ? rnd() : 0));
    fill(xp, batch * hp * wp * c, () => 777);
    fill(dy, batch * oh * ow * c + 8, () => SENTINEL);
    fill(res, batch * oh * ow * n, () => rnd());
    if (resMode === 2) f.copyWithin(y, res, res + batch * oh * ow * n);
    const R = Array.from(f.subarray(res, res + batch * oh * ow * n));
    K.pad(x * 4, batch, h, w, c, pt, pl, hp, wp, xp * 4);
    K.conv(xp * 4, batch, hp, wp, c, kh, kw, sh, sw, dh, dw, oh, ow, b * 4, bias * 4,
      resMode === 0 ? -1 : (resMode === 1 ? res : y) * 4, lo, hi, y * 4, n);
    K.maxpool(x * 4, batch, h, w, c, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow, py * 4);
    K.depthwise(xp * 4, batch, hp, wp, c, kh, kw, sh, sw, dh, dw, oh, ow, wts * 4, wi % 2 ? dbias * 4 : -1, lo, hi, dy * 4);
    untouched('depthwise', dy + batch * oh * ow * c, 8, () => `window ${wi}`);
    for (let img = 0; img < batch; img++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
      const mx = new Array(c).fill(-Infinity), ds = new Array(c).fill(0);
      const at = (img * oh + oy) * ow + ox;
      for (let j = 0; j < n; j++) {
        let s = f[bias + j], kk = 0;
        for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) for (let ch = 0; ch < c; ch++, kk++) {
          const iy = oy * sh - pt + ky * dh, ix = ox * sw - pl + kx * dw;
          const inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
          const v = inside ? f[x + ((img * h + iy) * w + ix) * c + ch] : 0;
          s += v * W[kk * n + j];
          if (j === 0) {
            if (inside) mx[ch] = Math.max(mx[ch], v);
            ds[ch] += v * f[wts + (ky * kw + kx) * cp + ch];
          }
        }
        if (resMode) s += R[at * n + j];
        check('conv', f[y + at * n + j], clampJ(s, lo, hi), 1e-4, 1e-5, () => `window ${wi} ${img},${oy},${ox},${j}`);
      }
      for (let ch = 0; ch < c; ch++) {
        exact('maxpool', f[py + at * c + ch], mx[ch], () => `window ${wi} ${img},${oy},${ox},${ch}`);
        const want = clampJ(ds[ch] + (wi % 2 ? f[dbias + ch] : 0), lo, hi);
        const got = f[dy + at * c + ch];
        check('depthwise', got, want, 1e-5, 1e-5, () => `window ${wi} ${img},${oy},${ox},${ch}`);
        if (lo === 0 && want === 0 && !Object.is(got, 0)) throw new Error('depthwise gave -0');
      }
    }
  }

  // gap: channels in 16s, 4s and ones
  for (const batch of [1, 3]) for (const hw of [1, 7, 49]) for (const c of [1, 3, 4, 5, 16, 17, 20, 64, 67]) {
    top = 16;
    const x = (hw + c) % 2 ? atEnd(batch * hw * c) : alloc(batch * hw * c), y = alloc(batch * c + 4);
    fill(x, batch * hw * c, () => rnd());
    fill(y, batch * c + 4, () => SENTINEL);
    K.gap(x * 4, batch, hw, c, y * 4);
    untouched('gap', y + batch * c, 4, () => `b${batch} hw${hw} c${c}`);
    for (let img = 0; img < batch; img++) for (let ch = 0; ch < c; ch++) {
      let s = 0;
      for (let p = 0; p < hw; p++) s = fr(s + f[x + (img * hw + p) * c + ch]);
      exact('gap', f[y + img * c + ch], s / hw, () => `b${batch} hw${hw} c${c} ${img},${ch}`);
    }
  }

  // transpose, single floats (4x4 tiles, strips of 64 columns) and blocks
  for (const [rows, cols] of [[1, 1], [1, 5], [5, 1], [2, 3], [4, 4], [5, 6], [7, 13], [8, 8], [13, 64], [70, 130], [130, 70], [64, 65]]) {
    for (const blk of [1, 2, 3, 4, 5, 8, 9]) {
      if (rows * cols * blk > 20000) continue;
      top = 16;
      const batch = 2, size = rows * cols * blk;
      const x = (rows + blk) % 2 ? atEnd(batch * size) : alloc(batch * size), y = alloc(batch * size + 4);
      fill(x, batch * size, () => rnd());
      fill(y, batch * size + 4, () => SENTINEL);
      K.transpose(x * 4, batch, rows, cols, blk, y * 4);
      untouched('transpose', y + batch * size, 4, () => `${rows}x${cols} blk ${blk}`);
      for (let img = 0; img < batch; img++) for (let r = 0; r < rows; r++) for (let cl = 0; cl < cols; cl++) for (let e = 0; e < blk; e++) {
        exact('transpose', f[y + img * size + (cl * rows + r) * blk + e], f[x + img * size + (r * cols + cl) * blk + e],
          () => `${rows}x${cols} blk ${blk} at ${img},${r},${cl},${e}`);
      }
    }
  }

  // clamp: NaN stays NaN, -0 comes out +0, infinities; in place too
  const specials = [NaN, -0, 0, Infinity, -Infinity, 1e-30, -1e-30, 5, -5, 0.3, -0.3, 6, 7];
  for (const n of [0, 1, 3, 4, 5, 13, 17, 37]) for (const [lo, hi] of CLAMPS) for (const inPlace of [0, 1]) {
    top = 16;
    const x = inPlace ? atEnd(n) : alloc(n), y = inPlace ? x : alloc(n + 4);
    const X = [];
    fill(x, n, (i) => (X[i] = fr(i < specials.length ? specials[(i + n) % specials.length] : rnd() * 10)));
    if (!inPlace) fill(y + n, 4, () => SENTINEL);
    K.clamp(x * 4, n, lo, hi, y * 4);
    if (!inPlace) untouched('clamp', y + n, 4, () => `n${n}`);
    for (let i = 0; i < n; i++) exact('clamp', f[y + i], clampJ(X[i], lo, hi), () => `n${n} [${lo},${hi}] x=${X[i]}`);
  }

  // add and mul: y repeating (ylen 1, 2, 3 by three cycling vectors; others row by row), in place too
  for (const op of ['add', 'mul']) for (const ylen of [1, 2, 3, 4, 5, 7, 8, 12, 13, 29]) for (const rows of [1, 2, 3, 5, 7, 11]) {
    const len = ylen * rows, inPlace = (ylen + rows) % 2;
    top = 16;
    const x = alloc(len), y = (rows % 2) ? atEnd(ylen) : alloc(ylen), z = inPlace ? x : alloc(len + 4);
    const X = [], Y = [];
    fill(x, len, (i) => (X[i] = fr(rnd())));
    fill(y, ylen, (i) => (Y[i] = fr(rnd())));
    if (!inPlace) fill(z + len, 4, () => SENTINEL);
    K[op](x * 4, y * 4, len, ylen, z * 4);
    if (!inPlace) untouched(op, z + len, 4, () => `ylen ${ylen} rows ${rows}`);
    for (let i = 0; i < len; i++) {
      exact(op, f[z + i], op === 'add' ? X[i] + Y[i % ylen] : X[i] * Y[i % ylen], () => `ylen ${ylen} rows ${rows} at ${i}`);
    }
  }

  // affine and chaffine (per-column scale, shift or none), in place too
  for (const n of [0, 1, 3, 4, 7, 33]) {
    top = 16;
    const x = atEnd(n), y = alloc(n + 4), X = [];
    fill(x, n, (i) => (X[i] = fr(rnd())));
    fill(y, n + 4, () => SENTINEL);
    K.affine(x * 4, n, 1.5, -0.25, y * 4);
    untouched('affine', y + n, 4, () => `n${n}`);
    for (let i = 0; i < n; i++) exact('affine', f[y + i], fr(X[i] * 1.5) - 0.25, () => `n${n} at ${i}`);
    K.affine(x * 4, n, 0.1, 0.3, x * 4);
    for (let i = 0; i < n; i++) exact('affine', f[x + i], fr(X[i] * fr(0.1)) + fr(0.3), () => `in place n${n} at ${i}`);
  }
  for (const cols of [1, 2, 3, 4, 5, 8, 13]) for (const rows of [1, 2, 5, 7]) for (const hasShift of [0, 1]) {
    top = 16;
    const len = rows * cols, inPlace = rows % 2;
    const x = alloc(len), scale = hasShift ? alloc(cols) : atEnd(cols), shift = hasShift ? atEnd(cols) : -1;
    const y = inPlace ? x : alloc(len + 4), X = [], S = [], H = [];
    fill(x, len, (i) => (X[i] = i === 1 ? -0 : fr(rnd())));
    fill(scale, cols, (i) => (S[i] = fr(rnd() * 2)));
    if (hasShift) fill(shift, cols, (i) => (H[i] = fr(rnd())));
    if (!inPlace) fill(y + len, 4, () => SENTINEL);
    K.chaffine(x * 4, rows, cols, scale * 4, hasShift ? shift * 4 : -1, y * 4);
    if (!inPlace) untouched('chaffine', y + len, 4, () => `cols ${cols}`);
    for (let i = 0; i < len; i++) {
      const v = fr(X[i] * S[i % cols]);
      exact('chaffine', f[y + i], hasShift ? v + H[i % cols] : v, () => `cols ${cols} rows ${rows} shift ${hasShift} at ${i}`);
    }
  }

  // unary: every op over a wide range, special values, the branch points of the approximations
  const inputs = [NaN, 0, -0, Infinity, -Infinity, 1e-30, -1e-30, 1e-7, -1e-7, 1e-3, -1e-3, 0.4999, -0.4999, 0.5,
    -0.5, 0.6249, 0.625, -0.625, 0.7071, -0.7071, 1, -1, 3, -3, 9, -9, 10, -10, 17, -17, 20, -20, 40, -40, 87.3,
    -87.3, 88.7, 88.72, 88.73, 89, -89, -103, -104, -110, -200, 200, 1e30, -1e30];
  for (let i = 0; i <= 4000; i++) inputs.push(-100 + i * 0.05, (random() * 2 - 1) * 12, Math.exp(random() * 40 - 30) * (i % 2 ? 1 : -1));
  for (const op of Object.keys(UNARY).map(Number)) {
    const [opName, ref] = UNARY[op];
    const params = op === 3 ? [[0.2, 0.5], [0.3, 0.1]] : op === 4 ? [[1 / 6, 0.5]] : op === 9 ? [[0.01, 0], [0.2, 0]] : [[0, 0]];
    for (const [alpha, beta] of params) for (const n of [inputs.length, 1, 2, 3, 5]) for (const inPlace of [0, 1]) {
      top = 16;
      const x = inPlace ? alloc(n) : atEnd(n), y = inPlace ? x : alloc(n + 4), X = [];
      fill(x, n, (i) => (X[i] = fr(inputs[i])));
      if (!inPlace) fill(y + n, 4, () => SENTINEL);
      K.unary(op, x * 4, n, alpha, beta, y * 4);
      if (!inPlace) untouched('unary ' + opName, y + n, 4, () => `n${n}`);
      const a = fr(alpha), b = fr(beta);
      for (let i = 0; i < n; i++) {
        // relative accuracy down to 1e-34 (the kernels flush e^x below 1.7e-38 to 0), except GELU
        // where the double reference itself computes 1 + erf(z) with cancellation for z < 0
        check('unary ' + opName, f[y + i], ref(X[i], a, b), op === 5 ? 1e-9 : 1e-34, 2e-6, () => `x=${X[i]} alpha ${a} beta ${b}`);
        if ((op === 1 || op === 7) && X[i] < -88 && !(f[y + i] < 1.2e-38)) throw new Error(`unary ${opName} x=${X[i]}: ${f[y + i]} is not below the normal floats`);
      }
    }
  }
  let trapped = false;
  try { K.unary(0, 16 * 4, 4, 0, 0, 16 * 4); } catch (e) { trapped = true; }
  if (!trapped) throw new Error('unary op 0 did not trap');

  // softmax: tails, large values, -inf entries, in place
  for (const cols of [1, 2, 3, 4, 5, 7, 8, 10, 17, 100, 1001]) for (const rows of [1, 3]) for (const inPlace of [0, 1]) {
    top = 16;
    const len = rows * cols, x = inPlace ? alloc(len) : atEnd(len), y = inPlace ? x : alloc(len + 4), X = [];
    fill(x, len, (i) => (X[i] = fr(i % 7 === 3 && cols > 1 ? -Infinity : (i % cols === 0 ? 80 : 1) * rnd() * 10)));
    if (!inPlace) fill(y + len, 4, () => SENTINEL);
    K.softmax(x * 4, rows, cols, y * 4);
    if (!inPlace) untouched('softmax', y + len, 4, () => `cols ${cols}`);
    for (let r = 0; r < rows; r++) {
      const row = X.slice(r * cols, (r + 1) * cols), mx = Math.max(...row);
      const e = row.map((v) => Math.exp(v - mx)), s = e.reduce((p, q) => p + q, 0);
      for (let j = 0; j < cols; j++) check('softmax', f[y + r * cols + j], e[j] / s, 1e-7, 3e-6, () => `cols ${cols} (${r},${j})`);
    }
  }
  { // a NaN poisons its row only
    top = 16;
    const x = alloc(14);
    fill(x, 14, (i) => (i === 9 ? NaN : rnd()));
    K.softmax(x * 4, 2, 7, x * 4);
    for (let i = 0; i < 14; i++) if (Number.isNaN(f[x + i]) !== (i >= 7)) throw new Error('softmax NaN row');
  }

  // layernorm: gamma/beta or none, tails, in place
  for (const cols of [1, 2, 3, 4, 5, 7, 8, 33, 100, 768]) for (const rows of [1, 3]) for (const mode of [0, 1, 2, 3]) {
    top = 16;
    const len = rows * cols, inPlace = mode === 3;
    const x = inPlace ? alloc(len) : atEnd(len), y = inPlace ? x : alloc(len + 4), gamma = alloc(cols), beta = alloc(cols);
    const X = [], G = [], B = [];
    fill(x, len, (i) => (X[i] = fr(rnd() * 3 + (i % cols === 0 ? 5 : 1))));
    fill(gamma, cols, (i) => (G[i] = fr(rnd() * 2)));
    fill(beta, cols, (i) => (B[i] = fr(rnd())));
    if (!inPlace) fill(y + len, 4, () => SENTINEL);
    const useG = mode === 1 || mode === 3, useB = mode >= 2, eps = 1e-5;
    K.layernorm(x * 4, rows, cols, useG ? gamma * 4 : -1, useB ? beta * 4 : -1, eps, y * 4);
    if (!inPlace) untouched('layernorm', y + len, 4, () => `cols ${cols}`);
    for (let r = 0; r < rows; r++) {
      const row = X.slice(r * cols, (r + 1) * cols);
      const mean = row.reduce((p, q) => p + q, 0) / cols;
      const v = row.reduce((p, q) => p + (q - mean) * (q - mean), 0) / cols;
      for (let j = 0; j < cols; j++) {
        let want = (row[j] - mean) / Math.sqrt(v + fr(eps));
        if (useG) want *= G[j];
        if (useB) want += B[j];
        check('layernorm', f[y + r * cols + j], want, 2e-5, 2e-5, () => `cols ${cols} mode ${mode} (${r},${j})`);
      }
    }
  }

  // packb: row-major (cs 1, rs >= n), transposed (rs 1), general strides; exactly size floats written
  for (const k of [1, 2, 3, 4, 5, 9, 17]) for (const n of [1, 3, 7, 8, 9, 16, 17, 25]) for (const layout of ['rows', 'cols', 'strided']) {
    const [rs, cs] = layout === 'rows' ? [n + (k % 3), 1] : layout === 'cols' ? [1, k + (n % 2)] : [2, 2 * k + 1];
    const span = (k - 1) * rs + (n - 1) * cs + 1, size = Math.ceil(n / 8) * 8 * k;
    top = 16;
    const src = (k + n) % 2 ? atEnd(span) : alloc(span), dst = alloc(size + 4);
    fill(src, span, () => rnd());
    fill(dst, size + 4, () => SENTINEL);
    K.packb(src * 4, k, n, rs, cs, dst * 4);
    untouched('packb', dst + size, 4, () => `k${k} n${n} ${layout}`);
    for (let P = 0; P < Math.ceil(n / 8); P++) for (let p = 0; p < k; p++) for (let lane = 0; lane < 8; lane++) {
      const j = P * 8 + lane;
      exact('packb', f[dst + (P * k + p) * 8 + lane], j < n ? f[src + p * rs + j * cs] : 0, () => `k${k} n${n} ${layout} (${p},${j})`);
    }
  }

  const report = Object.entries(worst).map(([kernel, w]) => kernel + (w.abs === 0 ? ' exact'
    : ` ${w.abs.toExponential(1)} abs / ${w.rel.toExponential(1)} rel (where |want| >= 1e-3)`));
  console.log(`[kernels] ${name}: all ${EXPORTS.length} exports match the references; worst errors: ${report.join(', ')}`);
}
