'use strict';
// The conformance page's hook into the engine build (engine-teavm.js/.wasm), kept out of engine.js
// so that pages and volunteers never download it. It boots the build itself through
// PocketGridEngine.boot() and keeps the object the build exports (self.PocketGridEngineImpl, see
// EngineJs.export), whose check() judges one test with the engine's own ConformanceCase.
//
//   await PocketGridConformance.kernels(backend)            // the kernels this build offers
//   await PocketGridConformance.conformanceCase(modelBytes, sets, {backend, kernel, freeze})
//
// sets are [{name, inputs: [ArrayBuffer], outputs: [ArrayBuffer]}] of serialized TensorProtos;
// freeze turns inputs after the first into weights, so that the accelerated plan runs. A page using
// this needs no PocketGridEngine.load() or kernels(): those would boot a second copy of the build.
(function (global) {
  const builds = {};

  function engineBuild(backend) {
    if (!builds[backend]) {
      builds[backend] = PocketGridEngine.boot('engine-teavm', backend).then(() => {
        const impl = global.PocketGridEngineImpl;
        delete global.PocketGridEngineImpl;
        return impl;
      });
    }
    return builds[backend];
  }

  function backendOf(options) {
    return options.backend || (PocketGridEngine.supportsWasmGc() ? 'wasm' : 'js');
  }

  async function conformanceCase(modelBytes, sets, options) {
    const opts = options || {};
    const impl = await engineBuild(backendOf(opts));
    return impl.check(modelBytes, sets, opts.kernel || 'simd', !!opts.freeze);
  }

  async function kernels(backend) {
    return (await engineBuild(backendOf({backend: backend}))).kernels.split(',');
  }

  global.PocketGridConformance = {conformanceCase: conformanceCase, kernels: kernels};
})(globalThis);
