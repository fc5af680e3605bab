'use strict';
// Images per second of PocketGrid's engine (each TeaVM build and kernel) and of onnxruntime-web
// (wasm, one thread, SIMD) on the demo models, same inputs, batch 1 and 32. Every engine gets ~1 s
// of warm-up; then ROUNDS rounds time each engine for one window in turn (so that load from other
// processes hits all alike) and each figure is the median of its windows. Lines go to POST /log,
// the table to POST /done.
const params = new URLSearchParams(location.search);
const WARMUP_MS = Number(params.get('warmup') || 1000);
const WINDOW_MS = Number(params.get('window') || 400);
const ROUNDS = Number(params.get('rounds') || 7);
const MODELS = (params.get('models') || 'cnn,mlp').split(',');
const BATCHES = (params.get('batches') || '1,32').split(',').map(Number);
const OURS = (params.get('ours') || 'js/java,js/simd,wasm/java,wasm/simd').split(',');

const post = (path, text) => fetch(path, {method: 'POST', body: text});
const log = (text) => post('/log', text);

function parseNpy(buf) {
  const bytes = new Uint8Array(buf);
  const headerLen = bytes[8] | (bytes[9] << 8);
  const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLen));
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').filter((s) => s.trim()).map(Number);
  return {data: new Float32Array(buf, 10 + headerLen), shape};
}

async function warmUp(run) {
  const until = performance.now() + WARMUP_MS;
  while (performance.now() < until) {
    await run();
  }
}

// Images per second over one window of WINDOW_MS (run() resolves when one batch is done).
async function window1(run, batch) {
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < WINDOW_MS) {
    await run();
    n++;
    now = performance.now();
  }
  return n * batch * 1000 / (now - start);
}

function median(values) {
  const v = values.slice().sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)];
}

function batches(images, batch) {
  const per = 784;
  const count = Math.floor(images.data.length / per / batch);
  const out = [];
  for (let i = 0; i < Math.min(count, 16); i++) {
    out.push(images.data.slice(i * batch * per, (i + 1) * batch * per));
  }
  return out;
}

// {label, run(), first (outputs of the first batch), dispose()} for each engine.
async function ours(bytes, backend, kernel, inputs, batch) {
  const model = await PocketGridEngine.load(bytes, {backend, kernel});
  let i = 0;
  const dims = [batch, 1, 28, 28];
  const run = () => model.run({input: {data: inputs[i++ % inputs.length], dims}});
  const first = (await run()).logits.data;
  const label = 'pocketgrid ' + (backend === 'wasm' ? 'Wasm-GC' : 'JS') + ' + ' + model.kernel;
  return {label, run, first, dispose: () => model.dispose()};
}

async function onnxruntime(bytes, inputs, batch) {
  const session = await ort.InferenceSession.create(bytes, {executionProviders: ['wasm'], graphOptimizationLevel: 'all'});
  let i = 0;
  const dims = [batch, 1, 28, 28];
  const run = () => session.run({input: new ort.Tensor('float32', inputs[i++ % inputs.length], dims)});
  const first = (await run()).logits.data;
  return {label: 'onnxruntime-web wasm (1 thread, SIMD)', run, first, dispose: () => session.release()};
}

function maxDiff(a, b) {
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
  }
  return d;
}

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

(async function () {
  try {
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.simd = true;
    ort.env.wasm.proxy = false;
    ort.env.wasm.wasmPaths = '/ort/';
    const images = parseNpy(await (await fetch('/demo/inputs.npy')).arrayBuffer());
    const rows = [];
    await log('chromium ' + (/Chrome\/([\d.]+)/.exec(navigator.userAgent) || [])[1] + ', onnxruntime-web '
        + ort.env.versions.web + ', warm-up ' + WARMUP_MS + ' ms, median of ' + ROUNDS + ' interleaved windows of '
        + WINDOW_MS + ' ms');
    for (const name of MODELS) {
      const bytes = await (await fetch('/demo/' + name + '.onnx')).arrayBuffer();
      for (const batch of BATCHES) {
        const inputs = batches(images, batch);
        const engines = [await onnxruntime(bytes, inputs, batch)];
        for (const config of OURS) {
          const [backend, kernel] = config.split('/');
          engines.push(await ours(bytes, backend, kernel, inputs, batch));
        }
        for (const e of engines) {
          await warmUp(e.run);
          e.rates = [];
        }
        for (let r = 0; r < ROUNDS; r++) {
          for (const e of engines) {
            e.rates.push(await window1(e.run, batch));
          }
        }
        const ref = median(engines[0].rates);
        for (const e of engines) {
          const rate = median(e.rates);
          const row = {model: name, batch, engine: e.label, rate, ratio: rate / ref,
            diff: e === engines[0] ? undefined : maxDiff(e.first, engines[0].first)};
          rows.push(row);
          await log(name + ' b' + batch + ' ' + e.label + ': ' + rate.toFixed(0) + ' img/s ('
              + row.ratio.toFixed(2) + 'x)' + (row.diff === undefined ? '' : ', max |diff| vs ORT ' + row.diff.toExponential(1)));
          await e.dispose();
        }
      }
    }
    const lines = [pad('model', 6) + pad('batch', 6) + pad('engine', 44) + lpad('img/s', 10) + lpad('vs ORT', 9) + lpad('max|diff|', 11)];
    for (const r of rows) {
      lines.push(pad(r.model, 6) + pad(r.batch, 6) + pad(r.engine, 44) + lpad(r.rate.toFixed(0), 10)
          + lpad(r.ratio.toFixed(2) + 'x', 9) + lpad(r.diff === undefined ? '' : r.diff.toExponential(1), 11));
    }
    document.getElementById('out').textContent = lines.join('\n');
    await post('/done', lines.join('\n'));
  } catch (e) {
    await post('/fail', 'benchmark failed: ' + (e && e.stack || e));
  }
})();
