// Assembles src/main/wat/kernels.wat with wabt (npm, pinned in package-lock.json) into the two
// kernel modules the browser builds load:
//   kernels-relaxed.wasm  MADD = f32x4.relaxed_madd (fused where the CPU has FMA)
//   kernels-simd.wasm     MADD = f32x4.mul then f32x4.add (plain SIMD128, for browsers without relaxed SIMD)
// Lines from one reading exactly `;; #relaxed` to the next reading exactly `;; #end` are kept in the
// relaxed module only (code that pays only with a fused multiply-add, e.g. the 6x8 GEMM tile).
// Usage: node scripts/assemble-kernels.mjs SRC.wat OUT_DIR
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const [src, outDir] = process.argv.slice(2);
const text = readFileSync(src, 'utf8');

// Rewrites every (MADD a b c) into (f32x4.add (f32x4.mul a b) c), matching parentheses.
function plainMadd(s) {
  let out = '';
  let i = 0;
  while (true) {
    const at = s.indexOf('(MADD ', i);
    if (at < 0) {
      return out + s.slice(i);
    }
    out += s.slice(i, at);
    const args = [];
    let j = at + 6;
    while (args.length < 3) {
      while (/\s/.test(s[j])) {
        j++;
      }
      const start = j;
      if (s[j] === '(') {
        let depth = 0;
        do {
          if (s[j] === '(') depth++;
          if (s[j] === ')') depth--;
          j++;
        } while (depth > 0);
      } else {
        while (!/[\s)]/.test(s[j])) {
          j++;
        }
      }
      args.push(plainMadd(s.slice(start, j)));
    }
    while (s[j] !== ')') {
      j++;
    }
    out += `(f32x4.add (f32x4.mul ${args[0]} ${args[1]}) ${args[2]})`;
    i = j + 1;
  }
}

// Drops the `;; #relaxed` ... `;; #end` sections (the markers are comments, so the relaxed module keeps them as is).
const relaxedOnly = /^[ \t]*;; #relaxed[ \t]*\n[\s\S]*?^[ \t]*;; #end[ \t]*$/gm;

const wabt = await require('wabt')();
mkdirSync(outDir, { recursive: true });
for (const [name, source, features] of [
  ['kernels-relaxed.wasm', text.replaceAll('(MADD ', '(f32x4.relaxed_madd '), { simd: true, relaxed_simd: true }],
  ['kernels-simd.wasm', plainMadd(text.replace(relaxedOnly, '')), { simd: true }],
]) {
  const module = wabt.parseWat(name.replace('.wasm', '.wat'), source, features);
  module.validate();
  const { buffer } = module.toBinary({ write_debug_names: false });
  writeFileSync(join(outDir, name), buffer);
  console.log('[kernels] ' + name + ': ' + buffer.length + ' bytes');
  module.destroy();
}
