'use strict';
// Web Worker bootstrap: loads the TeaVM-built volunteer worker (WebAssembly-GC where the browser
// has it, JavaScript otherwise) through engine.js, which also links the WebAssembly SIMD kernel
// where the browser has SIMD, and drives its loop. The Java side benchmarks the device at start and
// runs one task per self.pocketgridStep() call; timing, back-off and model downloads (into the
// SHA-256-keyed cache of model-cache.js) live here so Java never has to sleep or wait.
//
// Messages to the page: ready {backend, kernel, gflops}, lease {lease, estimatedMs} (null: none held),
// completed, idle, gaveBack, offline {retryMs, message}, error {message}, model {cached, bytes},
// downloaded {bytes} (task inputs fetched since the last step, from the Resource Timing API).

const IDLE_WAIT_MS = 2000;
const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 60000;
let backoffMs = FIRST_BACKOFF_MS;
let retryTimer = null;

self.onmessage = (event) => {
  if (event.data && event.data.type === 'start') {
    start(event.data.config);
  }
};

function start(config) {
  self.pocketgridConfig = config;
  let ready;
  try {
    importScripts('engine.js', 'model-cache.js');
    const useWasm = config.backend === 'wasm' || (config.backend !== 'js' && PocketGridEngine.supportsWasmGc());
    ready = PocketGridEngine.boot('volunteer-worker', useWasm ? 'wasm' : 'js');
  } catch (e) {
    ready = Promise.reject(e);
  }
  ready.then((booted) => {
    self.postMessage({type: 'ready', backend: booted.backend, kernel: booted.kernel, gflops: self.pocketgridGflops || 0});
    loop();
  }, (e) => self.postMessage({type: 'error', message: 'worker failed to load: ' + e}));
}

function after(ms) {
  retryTimer = setTimeout(() => {
    retryTimer = null;
    loop();
  }, ms);
}

// Back in the network: retry at once instead of waiting out the back-off.
self.addEventListener('online', () => {
  if (retryTimer !== null) {
    clearTimeout(retryTimer);
    after(0);
  }
});

/** The next wait after a failure: doubling up to a minute, with ±20 % jitter so volunteers do not retry in step. */
function backoff() {
  const wait = Math.round(backoffMs * (0.8 + 0.4 * Math.random()));
  backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
  return wait;
}

function step() {
  try {
    return self.pocketgridStep();
  } catch (e) {
    self.pocketgridLastError = String(e);
    return -1;
  }
}

/** Tells the page how many bytes of task inputs this worker fetched since it last asked (Resource Timing). */
function reportDownloads() {
  if (!(self.performance && performance.getEntriesByType)) {
    return;
  }
  let bytes = 0;
  performance.getEntriesByType('resource').forEach((e) => {
    if (/\/api\/v1\/tasks\/[0-9]+\/input/.test(e.name)) {
      bytes += e.encodedBodySize || e.transferSize || 0;
    }
  });
  performance.clearResourceTimings();
  if (bytes > 0) {
    self.postMessage({type: 'downloaded', bytes: bytes});
  }
}

function loop() {
  const started = Date.now();
  const outcome = step();
  reportDownloads();
  if (outcome === 1) {
    backoffMs = FIRST_BACKOFF_MS;
    self.postMessage({type: 'completed'});
    // CPU limit as a duty cycle (like BOINC's "use at most N % of CPU time"): after working for
    // t ms, rest t * (100 / N - 1) ms
    const cpu = Math.min(100, Math.max(5, Number(self.pocketgridConfig.cpuPercent) || 100));
    after(Math.round((Date.now() - started) * (100 / cpu - 1)));
  } else if (outcome === 0) {
    backoffMs = FIRST_BACKOFF_MS;
    self.postMessage({type: 'idle'});
    after(IDLE_WAIT_MS);
  } else if (outcome === 2) {
    fetchModel();
  } else if (outcome === 3) {
    // the task was too big for the time left: let the server see this device's figures again shortly
    self.postMessage({type: 'gaveBack'});
    after(IDLE_WAIT_MS);
  } else if (outcome === -2) {
    const wait = backoff();
    self.postMessage({type: 'offline', retryMs: wait, message: String(self.pocketgridLastError)});
    after(wait);
  } else {
    self.postMessage({type: 'error', message: String(self.pocketgridLastError)});
    after(backoff());
  }
}

/** Fetches the model the held lease needs (cache first), hands it to Java, and steps again. */
function fetchModel() {
  const need = self.pocketgridNeedModel;
  self.pocketgridNeedModel = null;
  PocketGridModels.get(need.sha256, need.url, self.pocketgridConfig.apiBase).then((model) => {
    self.pocketgridModels = {[need.sha256]: model.bytes};
    self.postMessage({type: 'model', cached: model.cached, bytes: model.cached ? 0 : model.bytes.byteLength});
    after(0);
  }, (e) => {
    // a failed fetch is most often the network; the lease stays held and the retry continues it
    const wait = backoff();
    const offline = e instanceof TypeError;
    self.postMessage({type: offline ? 'offline' : 'error', retryMs: wait, message: String(e)});
    after(wait);
  });
}
