'use strict';
// Web Worker bootstrap: loads the TeaVM-built volunteer worker (WebAssembly-GC where the browser
// has it, JavaScript otherwise) and drives its loop. The Java side runs one task per
// self.pocketgridStep() call; timing and back-off live here so Java never has to sleep.

const IDLE_WAIT_MS = 2000;
const MAX_BACKOFF_MS = 60000;
let backoffMs = 1000;

self.onmessage = (event) => {
  if (event.data && event.data.type === 'start') {
    start(event.data.config);
  }
};

function supportsWasmGc() {
  // The smallest module declaring a GC struct type; only engines with Wasm-GC accept it.
  const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 3, 1, 0x5f, 0]);
  try {
    return WebAssembly.validate(bytes);
  } catch (e) {
    return false;
  }
}

function start(config) {
  self.pocketgridConfig = config;
  const useWasm = config.backend === 'wasm' || (config.backend !== 'js' && supportsWasmGc());
  let ready;
  try {
    if (useWasm) {
      importScripts('volunteer-worker.wasm-runtime.js');
      ready = TeaVM.wasmGC.load('volunteer-worker.wasm').then((teavm) => teavm.exports.main([]));
    } else {
      importScripts('volunteer-worker.js');
      main([]);
      ready = Promise.resolve();
    }
  } catch (e) {
    ready = Promise.reject(e);
  }
  ready.then(() => {
    self.postMessage({type: 'ready', backend: useWasm ? 'wasm' : 'js'});
    loop();
  }, (e) => self.postMessage({type: 'error', message: 'worker failed to load: ' + e}));
}

function loop() {
  const outcome = self.pocketgridStep();
  if (outcome === 1) {
    backoffMs = 1000;
    self.postMessage({type: 'completed'});
    setTimeout(loop, 0);
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
