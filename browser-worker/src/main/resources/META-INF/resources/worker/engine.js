'use strict';
// PocketGridEngine: the browser face of PocketGrid's ONNX engine, in a page or a Web Worker.
//
//   const model = await PocketGridEngine.load(arrayBuffer, {backend: 'wasm' | 'js', kernel: 'simd' | 'java' | 'generic'});
//   const out = await model.run({input: {data: Float32Array, dims: [32, 1, 28, 28]}});   // {name: {data, dims}}
//   model.backend, model.kernel, model.flopsPerItem, model.inputs, model.outputs; model.dispose();
//   model.kernelShare, model.simdShare: after a run, the share of its FLOPs on the plan's kernels (SIMD ones)
//
// backend defaults to 'wasm' (TeaVM's WebAssembly-GC build) where the browser has WebAssembly GC,
// else 'js'; kernel defaults to 'simd' (the WebAssembly SIMD GEMM where the browser has SIMD, else
// the Java kernels). The TeaVM builds and the kernel are loaded from this script's folder on
// first use. The volunteer worker (worker-boot.js) boots its own TeaVM build through boot().
(function (global) {
  if (global.PocketGridEngine) {
    return;
  }

  const base = scriptBase();
  const isWorker = typeof document === 'undefined';

  function scriptBase() {
    if (typeof document !== 'undefined' && document.currentScript && document.currentScript.src) {
      return new URL('.', document.currentScript.src).href;
    }
    // In a worker, importScripts() gives no currentScript: the stack names this file.
    const stack = String(new Error().stack || '');
    const m = /((?:https?|file|blob):[^\s()]*?\/)engine\.js/.exec(stack);
    if (m) {
      return m[1];
    }
    return new URL('/worker/', global.location.href).href;
  }

  function supportsWasmGc() {
    // The smallest module declaring a GC struct type; only engines with Wasm-GC accept it.
    const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 3, 1, 0x5f, 0]);
    try {
      return WebAssembly.validate(bytes);
    } catch (e) {
      return false;
    }
  }

  function loadScript(url) {
    if (isWorker) {
      importScripts(url);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = url;
      s.onload = () => resolve();
      s.onerror = () => reject(new Error('could not load ' + url));
      document.head.appendChild(s);
    });
  }

  let runtime = null;
  let kernelModule = null;

  // The SIMD kernel module (compiled once): relaxed SIMD where the browser validates it, else
  // plain SIMD128, else null (the Java kernels then run). Shared with the TeaVM builds through
  // self.PocketGridKernel: {name, module} for the JavaScript build, plus memories[build] for each
  // WebAssembly-GC build it was linked into.
  function kernel() {
    if (!kernelModule) {
      kernelModule = (async () => {
        for (const [file, name] of [['kernels-relaxed.wasm', 'wasm-simd-relaxed'], ['kernels-simd.wasm', 'wasm-simd']]) {
          try {
            const bytes = await (await fetch(base + file)).arrayBuffer();
            if (WebAssembly.validate(bytes)) {
              const k = global.PocketGridKernel || (global.PocketGridKernel = {memories: {}});
              k.name = name;
              k.module = await WebAssembly.compile(bytes);
              return k;
            }
          } catch (e) {
            // try the next variant
          }
        }
        return null;
      })();
    }
    return kernelModule;
  }

  const kernelExports = ['gemm', 'pad', 'conv', 'depthwise', 'maxpool', 'gap', 'transpose', 'clamp', 'add', 'mul',
    'affine', 'chaffine', 'unary', 'softmax', 'layernorm', 'packb'];

  // Loads TeaVM build `name` (name.js or name.wasm beside this script), links the SIMD kernel
  // and runs its main(); resolves to {backend, kernel} (kernel: the SIMD variant or 'java').
  async function boot(name, backend) {
    const k = await kernel();
    if (backend === 'wasm') {
      if (!supportsWasmGc()) {
        throw new Error('this browser has no WebAssembly GC; use {backend: "js"}');
      }
      runtime = runtime || loadScript(base + 'wasm-gc-runtime.js');
      await runtime;
      const teavm = await global.TeaVM.wasmGC.load(base + name + '.wasm', {
        installImports(imports) {
          // The kernel runs on TeaVM's own memory: Java passes addresses of direct buffers.
          const linked = {};
          if (k) {
            const exports = new WebAssembly.Instance(k.module, {env: {memory: imports.env.memory}}).exports;
            kernelExports.forEach((f) => (linked[f] = exports[f]));
            k.memories[name] = imports.env.memory;
          } else {
            kernelExports.forEach((f) => (linked[f] = () => {
              throw new Error('no WebAssembly SIMD kernel in this browser');
            }));
          }
          imports.pocketgridKernels = linked;
        }
      });
      teavm.exports.main([]);
    } else if (backend === 'js') {
      await loadScript(base + name + '.js');
      global.main([]);
    } else {
      throw new Error('unknown backend "' + backend + '" (wasm or js)');
    }
    return {backend: backend, kernel: k ? k.name : 'java'};
  }

  const builds = {};

  function engineBuild(backend) {
    if (!builds[backend]) {
      builds[backend] = boot('engine-teavm', backend).then(() => {
        const impl = global.PocketGridEngineImpl;
        delete global.PocketGridEngineImpl;
        return impl;
      });
      builds[backend].catch(() => delete builds[backend]);
    }
    return builds[backend];
  }

  function unwrap(result) {
    if (result && result.error !== undefined) {
      throw new Error(result.error);
    }
    return result;
  }

  function toArrayBuffer(bytes) {
    if (bytes instanceof ArrayBuffer) {
      return bytes;
    }
    if (ArrayBuffer.isView(bytes)) {
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    }
    throw new TypeError('load() needs the ONNX file as an ArrayBuffer');
  }

  class Model {
    constructor(impl, info, backend) {
      this._impl = impl;
      this._id = info.id;
      this._flops = undefined;
      this.backend = backend;
      this.kernel = info.kernel;
      this.kernelNote = info.kernelNote;
      this.inputs = info.inputs;
      this.outputs = info.outputs;
    }

    // FLOPs for one item of the batch axis (the credit unit); counted on first use.
    get flopsPerItem() {
      if (this._flops === undefined) {
        this._flops = unwrap(this._impl.flops(this._check()));
      }
      return this._flops;
    }

    // After each run: kernelShare, the share of its FLOPs on the plan's kernels (0 when it ran on
    // the generic ops), and simdShare, the same when those kernels are WebAssembly SIMD.
    run(feeds) {
      return new Promise((resolve) => {
        const r = unwrap(this._impl.run(this._check(), feeds));
        this.kernelShare = r.kernelShare === undefined ? 0 : r.kernelShare;
        this.simdShare = String(this.kernel).startsWith('wasm-simd') ? this.kernelShare : 0;
        resolve(r.outputs);
      });
    }

    // Milliseconds per run by kind of step (conv, matmul, transposes, generic ops, ...), timed over
    // `runs` runs of the last accelerated run's shapes and inputs: where the time goes.
    profile(runs) {
      return unwrap(this._impl.profile(this._check(), runs || 5));
    }

    dispose() {
      if (this._id !== null) {
        this._impl.dispose(this._id);
        this._id = null;
      }
    }

    _check() {
      if (this._id === null) {
        throw new Error('model was disposed');
      }
      return this._id;
    }
  }

  async function load(bytes, options) {
    const opts = options || {};
    const backend = opts.backend || (supportsWasmGc() ? 'wasm' : 'js');
    const impl = await engineBuild(backend);
    return new Model(impl, unwrap(impl.load(toArrayBuffer(bytes), opts.kernel || 'simd')), backend);
  }

  async function kernels(backend) {
    return (await engineBuild(backend || (supportsWasmGc() ? 'wasm' : 'js'))).kernels.split(',');
  }

  global.PocketGridEngine = {
    load: load,
    supportsWasmGc: supportsWasmGc,
    kernels: kernels,
    boot: boot,
    baseUrl: base
  };
})(globalThis);
