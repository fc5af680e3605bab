'use strict';
// Two benchmarks on one page; lines go to POST /log, the report to POST /done (headless.mjs
// prints both).
//
// Default (bench/engine/run.sh): images per second of PocketGrid's engine (each TeaVM build and
// kernel) and of onnxruntime-web (wasm, one thread, SIMD) on the demo models, same inputs, batch 1
// and 32. Every engine gets ~1 s of warm-up; then ROUNDS rounds time each engine for one window in
// turn (so that load from other processes hits all alike) and each figure is the median of its
// windows.
//
// ?suite=1 (bench/engine/run.sh --suite): the models of /models/manifest.json (made by
// models/make_models.py), batch 1 and 8, PocketGrid on Wasm-GC and JS (SIMD kernel) against
// onnxruntime-web, same inputs; the same method, with windows of at least one run and a time
// budget per model (see suite() below).
const params = new URLSearchParams(location.search);
const SUITE = params.has('suite') && params.get('suite') !== '0';
const WARMUP_MS = Number(params.get('warmup') || 1000);
const WINDOW_MS = Number(params.get('window') || 400);
const ROUNDS = Number(params.get('rounds') || 7);
const MODELS = (params.get('models') || (SUITE ? '' : 'cnn,mlp')).split(',').filter((s) => s);
const BATCHES = (params.get('batches') || (SUITE ? '1,8' : '1,32')).split(',').map(Number);
const OURS = (params.get('ours') || (SUITE ? 'wasm/simd,js/simd' : 'js/java,js/simd,wasm/java,wasm/simd')).split(',');

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

// The demo benchmark (the default).
async function demo() {
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
}

// The model suite (?suite=1). For every model of the manifest: onnxruntime-web and each of OURS
// load the model once; then for each batch size, each engine runs the first input batch (its
// outputs give max|diff|, its time the first estimate of a run), warms up for ~WARMUP_MS, and
// rounds of windows follow in turn, each window at least WINDOW_MS and at least one run; a figure
// is the median of its windows. Time budget: BUDGET_MS per model, shared evenly by its batch sizes.
// Warm-up runs longer than a window, and rounds after MIN_ROUNDS (after the first when a round
// takes over 3 s), are left out when they would overrun the batch's share. An engine whose first
// run alone took over half its share of the budget (share = batch share / engines) is rated on
// that one run ('1 run' in the timing column), and a batch size that its rate at the smaller batch
// predicts to take over MAXRUN_MS a run is skipped.
// profile=1: after each batch, where PocketGrid's time goes (model.profile: ms a run by kind of step).
const PROFILE = params.get('profile') === '1';
const BUDGET_MS = Number(params.get('budget') || 90) * 1000;
const MAXRUN_MS = Number(params.get('maxrun') || 60) * 1000;
const MIN_ROUNDS = 3;
const DISTINCT_BATCHES = 4;
const now = () => performance.now();

// mulberry32: inputs are the same on every run of the page and for every engine.
function random32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedOf(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  }
  return h >>> 0;
}

// DISTINCT_BATCHES batches of `batch` items for every input of the manifest entry, filled as the
// manifest says: [{ours: {name: {data: Float32Array, dims}}, ort: {name: {type, data, dims}}}].
function suiteInputs(spec, batch, npy) {
  const out = [];
  for (let b = 0; b < DISTINCT_BATCHES; b++) {
    const random = random32(seedOf(spec.name + '/' + batch + '/' + b));
    const ours = {};
    const theirs = {};
    for (const input of spec.inputs) {
      const per = input.dims.reduce((x, d) => x * d, 1);
      const dims = [batch].concat(input.dims);
      const f = new Float32Array(batch * per);
      const fill = input.fill;
      if (fill.kind === 'uniform') {
        for (let i = 0; i < f.length; i++) {
          f[i] = fill.low + (fill.high - fill.low) * random();
        }
      } else if (fill.kind === 'ids') {
        for (let i = 0; i < f.length; i++) {
          f[i] = Math.floor(random() * fill.vocab);
        }
      } else if (fill.kind === 'mask') {
        for (let item = 0; item < batch; item++) {
          const ones = fill.min + Math.floor(random() * (per - fill.min + 1));
          f.fill(1, item * per, item * per + ones);
        }
      } else if (fill.kind === 'npy') {
        const src = npy[spec.mount + '/' + fill.file];
        const items = Math.floor(src.length / per);
        for (let item = 0; item < batch; item++) {
          const k = (b * batch + item) % items;
          f.set(src.subarray(k * per, (k + 1) * per), item * per);
        }
      } else {
        throw new Error(spec.name + ': unknown fill ' + fill.kind);
      }
      ours[input.name] = {data: f, dims};
      theirs[input.name] = input.dtype === 'int64'
        ? {type: 'int64', data: BigInt64Array.from(f, (v) => BigInt(v)), dims}
        : {type: 'float32', data: f, dims};
    }
    out.push({ours, ort: theirs});
  }
  return out;
}

async function suiteOrt(bytes) {
  const session = await ort.InferenceSession.create(new Uint8Array(bytes.slice(0)),
      {executionProviders: ['wasm'], graphOptimizationLevel: 'all'});
  return {
    label: 'onnxruntime-web', kernel: 'wasm 1t SIMD', isOrt: true,
    exec(feeds) {
      const f = {};
      for (const name in feeds.ort) {
        const t = feeds.ort[name];
        f[name] = new ort.Tensor(t.type, t.data, t.dims);
      }
      return session.run(f);
    },
    output: (out, name) => out[name].data,
    dispose: () => session.release(),
  };
}

async function suiteOurs(bytes, config) {
  const [backend, kernel] = config.split('/');
  const model = await PocketGridEngine.load(bytes.slice(0), {backend, kernel});
  return {
    label: 'PocketGrid ' + (backend === 'wasm' ? 'Wasm-GC' : 'JS') + (kernel === 'simd' ? '' : ' ' + kernel),
    kernel: model.kernel, model, config,
    exec: (feeds) => model.run(feeds.ours),
    output: (out, name) => out[name].data,
    dispose: () => model.dispose(),
  };
}

const message = (e) => String(e && e.message || e).split('\n')[0];

async function timeRun(e, feeds) {
  const t = now();
  const out = await e.exec(feeds);
  e.last = now() - t;
  return out;
}

// One window: runs until WINDOW_MS have passed (at least one); items/s.
async function suiteWindow(e, inputs, batch) {
  let n = 0;
  const start = now();
  let t = start;
  do {
    await timeRun(e, inputs[e.next++ % inputs.length]);
    n++;
    t = now();
  } while (t - start < WINDOW_MS);
  e.runs += n;
  return n * batch * 1000 / (t - start);
}

// One model × batch on the loaded engines (engines[0] is onnxruntime-web when it loaded).
async function suiteBatch(spec, engines, batch, deadline, inputs, rows) {
  const start = now();
  const outName = spec.outputs[0];
  const active = [];
  for (const e of engines) {
    const row = {model: spec.name, batch, engine: e.label, kernel: e.kernel, e};
    rows.push(row);
    if (e.perItemMs !== undefined && e.perItemMs * batch > MAXRUN_MS) {
      row.error = 'skipped: ~' + (e.perItemMs * batch / 1000).toFixed(0) + ' s a run expected (maxrun '
          + MAXRUN_MS / 1000 + ' s)';
      continue;
    }
    try {
      e.next = 1;
      e.runs = 1;
      e.rates = [];
      e.first = e.output(await timeRun(e, inputs[0]), outName);
      e.firstMs = e.last;
      e.row = row;
      active.push(e);
    } catch (err) {
      row.error = 'run: ' + message(err);
    }
  }
  const share = Math.max(0, deadline - start) / Math.max(1, active.length);
  const timed = active.filter((e) => e.firstMs <= share / 2);
  const roundMs = () => timed.reduce((s, e) => s + Math.max(WINDOW_MS, e.last), 0);
  const drop = (e, err) => {
    e.row.error = 'run: ' + message(err);
    timed.splice(timed.indexOf(e), 1);
    active.splice(active.indexOf(e), 1);
  };
  for (const e of timed.slice()) {
    try {
      const from = now();
      while (now() - from < WARMUP_MS && (e.last <= WINDOW_MS || now() + e.last + roundMs() <= deadline)) {
        await timeRun(e, inputs[e.next++ % inputs.length]);
        e.runs++;
      }
    } catch (err) {
      drop(e, err);
    }
  }
  for (let r = 0; r < ROUNDS && timed.length; r++) {
    const cost = roundMs();
    if (r > 0 && now() + cost > deadline && !(r < MIN_ROUNDS && cost <= 3000)) {
      break;
    }
    for (const e of timed.slice()) {
      try {
        e.rates.push(await suiteWindow(e, inputs, batch));
      } catch (err) {
        drop(e, err);
      }
    }
  }
  const ref = engines.find((e) => e.isOrt && active.includes(e));
  for (const e of active) {
    const row = e.row;
    if (e.rates.length) {
      row.rate = median(e.rates);
      row.timing = e.rates.length + ' win/' + e.runs + ' runs';
    } else {
      row.rate = batch * 1000 / e.firstMs;
      row.timing = '1 run, cold';
    }
    e.perItemMs = 1000 / row.rate;
    row.msPerRun = batch * 1000 / row.rate;
    if (e.model) {
      row.simdShare = e.model.simdShare;
      row.kernel = e.model.kernel;
      if (PROFILE && e.model.profile) {
        try {
          const p = e.model.profile(3);
          await log('profile ' + spec.name + ' b' + batch + ' ' + e.label + ' (ms a run): ' + Object.entries(p)
              .slice(0, 10).map(([k, v]) => k + ' ' + v.toFixed(2)).join(', '));
        } catch (err) {
          await log('profile ' + spec.name + ' b' + batch + ' ' + e.label + ': ' + err.message);
        }
      }
    }
    if (ref && e !== ref) {
      row.diff = e.first.length === ref.first.length ? maxDiff(e.first, ref.first)
        : 'len ' + e.first.length + '≠' + ref.first.length;
    }
  }
  for (const e of engines) {
    const row = rows.find((x) => x.e === e && x.batch === batch && x.model === spec.name);
    if (ref && row.rate !== undefined) {
      row.ratio = row.rate / ref.row.rate;
    }
    await log(spec.name + ' b' + batch + ' ' + e.label + ': ' + (row.error || (fmt(row.rate) + ' items/s, '
        + fmt(row.msPerRun) + ' ms a run' + (row.ratio === undefined ? '' : ' (' + fmtRatio(row.ratio) + ')')
        + (row.diff === undefined ? '' : ', max|diff| ' + fmtDiff(row.diff)) + ', ' + row.timing)));
  }
}

function fmt(x) {
  if (x === undefined || x === null || Number.isNaN(x)) {
    return '?';
  }
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : a >= 0.1 ? x.toFixed(2) : a === 0 ? '0' : x.toPrecision(2);
}
const fmtRatio = (r) => (r === undefined ? '' : (r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)) + 'x');
const fmtDiff = (d) => (d === undefined ? '' : typeof d === 'string' ? d : d.toExponential(1));
const fmtShare = (s) => (typeof s === 'number' ? (100 * s).toFixed(0) + '%' : '?');

async function suiteModel(spec, npy, rows, models) {
  const modelStart = now();
  const modelDeadline = modelStart + BUDGET_MS;
  const bytes = await (await fetch(spec.mount + '/' + spec.file)).arrayBuffer();
  if (spec.inputs.some((i) => i.fill.kind === 'npy')) {
    for (const i of spec.inputs.filter((x) => x.fill.kind === 'npy')) {
      const key = spec.mount + '/' + i.fill.file;
      npy[key] = npy[key] || parseNpy(await (await fetch(key)).arrayBuffer()).data;
    }
  }
  const engines = [];
  const loads = [];
  const failed = (label, err) => {
    for (const batch of BATCHES) {
      rows.push({model: spec.name, batch, engine: label, error: 'load: ' + message(err)});
    }
  };
  let t = now();
  try {
    engines.push(await suiteOrt(bytes));
    loads.push('onnxruntime-web ' + (now() - t).toFixed(0) + ' ms');
  } catch (err) {
    failed('onnxruntime-web', err);
  }
  for (const config of OURS) {
    t = now();
    try {
      const e = await suiteOurs(bytes, config);
      engines.push(e);
      loads.push(e.label + ' ' + (now() - t).toFixed(0) + ' ms (' + e.kernel + ')');
    } catch (err) {
      failed('PocketGrid ' + config, err);
    }
  }
  let flops;
  for (const e of engines.filter((x) => x.model)) {
    try {
      flops = flops === undefined ? e.model.flopsPerItem : flops;
    } catch (err) {
      // another build may count them; else GFLOP/s stays '?'
    }
  }
  models.push({name: spec.name, flops, params: spec.params, note: spec.note});
  await log('== ' + spec.name + ' (' + (bytes.byteLength / 1e6).toFixed(1) + ' MB, '
      + (flops === undefined ? '?' : (flops / 1e9).toFixed(3)) + ' GFLOP/item): loaded ' + loads.join(', '));
  for (let j = 0; j < BATCHES.length; j++) {
    const batch = BATCHES[j];
    const deadline = now() + Math.max(0, modelDeadline - now()) / (BATCHES.length - j);
    const inputs = suiteInputs(spec, batch, npy);
    const first = rows.length;
    await suiteBatch(spec, engines, batch, deadline, inputs, rows);
    for (const row of rows.slice(first)) {
      if (row.rate !== undefined && flops !== undefined) {
        row.gflops = flops * row.rate / 1e9;
      }
    }
  }
  for (const e of engines) {
    try {
      await e.dispose();
    } catch (err) {
      // disposing is best effort
    }
  }
  await log('   ' + spec.name + ' took ' + ((now() - modelStart) / 1000).toFixed(0) + ' s');
}

function suiteTable(rows) {
  const order = [...new Set(rows.map((r) => r.model))];
  rows = rows.slice().sort((a, b) => order.indexOf(a.model) - order.indexOf(b.model) || a.batch - b.batch);
  // [header, cell of a row, right-aligned]
  const cols = [
    ['model', (r) => r.model], ['batch', (r) => r.batch], ['engine', (r) => r.engine],
    ['kernel', (r) => r.kernel || ''], ['items/s', (r) => fmt(r.rate), 1], ['ms/run', (r) => fmt(r.msPerRun), 1],
    ['vs ORT', (r) => fmtRatio(r.ratio), 1], ['GFLOP/s', (r) => fmt(r.gflops), 1],
    ['SIMD', (r) => (r.e && r.e.isOrt ? '-' : fmtShare(r.simdShare)), 1],
    ['max|diff|', (r) => fmtDiff(r.diff), 1], ['timing', (r) => r.timing || '', 1],
  ];
  const cells = rows.map((r) => cols.map((c, i) => (r.error && i >= 3 ? '' : String(c[1](r)))));
  const widths = cols.map((c, i) => Math.max(c[0].length, ...cells.map((x) => x[i].length)) + 2);
  const line = (values) => values.map((v, i) => (cols[i][2] ? lpad(v, widths[i]) : pad(v, widths[i]))).join('').trimEnd();
  const lines = [line(cols.map((c) => c[0]))];
  lines.push('-'.repeat(lines[0].length));
  rows.forEach((r, k) => {
    if (k > 0 && r.model !== rows[k - 1].model) {
      lines.push('');
    }
    lines.push(r.error ? line(cells[k].slice(0, 3)) + '  ' + r.error : line(cells[k]));
  });
  return lines;
}

// Targets: Wasm-GC at least 1.5x onnxruntime-web, JS at least 1.0x, every model and batch.
function suiteTargets(rows) {
  const out = [];
  for (const [label, target] of [['PocketGrid Wasm-GC', 1.5], ['PocketGrid JS', 1.0]]) {
    const mine = rows.filter((r) => r.engine === label);
    if (!mine.length) {
      continue;
    }
    const met = mine.filter((r) => r.ratio >= target);
    const misses = mine.filter((r) => !(r.ratio >= target)).map((r) => r.model + '/b' + r.batch
        + (r.ratio === undefined ? ' (?)' : ' (' + fmtRatio(r.ratio) + ')'));
    out.push('target ' + label + ' >= ' + target.toFixed(1) + 'x onnxruntime-web: ' + met.length + ' of ' + mine.length
        + ' met' + (misses.length ? '; below: ' + misses.join(', ') : ''));
  }
  return out;
}

async function suite() {
  try {
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.simd = true;
    ort.env.wasm.proxy = false;
    ort.env.wasm.wasmPaths = '/ort/';
    const started = now();
    const manifest = await (await fetch('/models/manifest.json')).json();
    const specs = MODELS.length ? MODELS.map((n) => {
      const s = manifest.models.find((m) => m.name === n);
      if (!s) {
        throw new Error('no model ' + n + ' in manifest.json (' + manifest.models.map((m) => m.name).join(', ') + ')');
      }
      return s;
    }) : manifest.models;
    const header = [
      'PocketGrid engine suite: ' + new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      (params.get('chromium') || 'chromium ' + (/Chrome\/([\d.]+)/.exec(navigator.userAgent) || [])[1])
          + ', onnxruntime-web ' + ort.env.versions.web + ' (wasm, 1 thread, SIMD), '
          + navigator.hardwareConcurrency + ' logical cores',
      'load at start: ' + (params.get('load') || '?'),
      'models: manifest.json by ' + manifest.generator + ' (seed ' + manifest.seed + ', opset ' + manifest.opset
          + ', torch ' + manifest.versions.torch + ', torchvision ' + manifest.versions.torchvision + ')',
      'method: warm-up ' + WARMUP_MS + ' ms, median of up to ' + ROUNDS + ' interleaved windows of >= ' + WINDOW_MS
          + ' ms and >= 1 run, budget ' + BUDGET_MS / 1000 + ' s a model, maxrun ' + MAXRUN_MS / 1000 + ' s; ours: '
          + OURS.join(', '),
    ];
    await log(header.join('\n'));
    const rows = [];
    const models = [];
    const npy = {};
    for (const spec of specs) {
      await suiteModel(spec, npy, rows, models);
    }
    const lines = header.concat(['', 'model             GFLOP/item   Mparams  what']);
    for (const m of models) {
      lines.push(pad(m.name, 18) + lpad(m.flops === undefined ? '?' : (m.flops / 1e9).toFixed(4), 10)
          + lpad(m.params === undefined ? '' : (m.params / 1e6).toFixed(2), 10) + '  ' + m.note);
    }
    lines.push('');
    lines.push(...suiteTable(rows));
    lines.push('');
    lines.push(...suiteTargets(rows));
    lines.push('suite took ' + ((now() - started) / 1000).toFixed(0) + ' s');
    document.getElementById('out').textContent = lines.join('\n');
    await post('/done', lines.join('\n'));
  } catch (e) {
    await post('/fail', 'suite failed: ' + (e && e.stack || e));
  }
}

(SUITE ? suite : demo)();
