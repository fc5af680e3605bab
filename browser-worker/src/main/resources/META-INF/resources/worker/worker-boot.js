'use strict';
// Web Worker bootstrap: loads the TeaVM-built volunteer worker (WebAssembly-GC where the browser
// has it, JavaScript otherwise) through engine.js, which also links the WebAssembly SIMD kernel
// where the browser has SIMD, and drives its loop. The Java side runs one task per
// self.pocketgridStep() call; timing and back-off live here so Java never has to sleep.

const IDLE_WAIT_MS = 2000;
const MAX_BACKOFF_MS = 60000;
let backoffMs = 1000;

self.onmessage = (event) => {
  if (event.data && event.data.type === 'start') {
    start(event.data.config);
  }
};

function start(config) {
  self.pocketgridConfig = config;
  let ready;
  try {
    importScripts('engine.js');
    const useWasm = config.backend === 'wasm' || (config.backend !== 'js' && PocketGridEngine.supportsWasmGc());
    ready = PocketGridEngine.boot('volunteer-worker', useWasm ? 'wasm' : 'js');
  } catch (e) {
    ready = Promise.reject(e);
  }
  ready.then((booted) => {
    self.postMessage({type: 'ready', backend: booted.backend, kernel: booted.kernel});
    loop();
  }, (e) => self.postMessage({type: 'error', message: 'worker failed to load: ' + e}));
}

function loop() {
  const started = Date.now();
  const outcome = self.pocketgridStep();
  if (outcome === 1) {
    backoffMs = 1000;
    self.postMessage({type: 'completed'});
    // CPU limit as a duty cycle (like BOINC's "use at most N % of CPU time"): after working for
    // t ms, rest t * (100 / N - 1) ms
    const cpu = Math.min(100, Math.max(5, Number(self.pocketgridConfig.cpuPercent) || 100));
    setTimeout(loop, Math.round((Date.now() - started) * (100 / cpu - 1)));
  } else if (outcome === 0) {
    backoffMs = 1000;
    self.postMessage({type: 'idle'});
    setTimeout(loop, IDLE_WAIT_MS);
  } else {
    self.postMessage({type: 'error', message: String(self.pocketgridLastError)});
    setTimeout(loop, backoffMs);
    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
  }
}
