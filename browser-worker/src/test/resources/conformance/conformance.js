'use strict';
// Runs every test listed in /data/index.json through PocketGridConformance.conformanceCase
// (engine-conformance.js) and leaves the verdicts in window.conformance for BrowserConformanceIT
// to collect.
window.conformance = {done: false, error: null, results: [], kernels: null, seconds: 0};

(async function () {
  const params = new URLSearchParams(location.search);
  const options = {backend: params.get('backend') || 'wasm', kernel: params.get('kernel') || 'simd',
    freeze: params.get('freeze') === 'true'};
  const status = document.getElementById('status');
  const started = performance.now();
  const fetchBuffer = async (path) => {
    const response = await fetch('/data/' + path);
    if (!response.ok) {
      throw new Error(path + ': HTTP ' + response.status);
    }
    return response.arrayBuffer();
  };
  const fetchTest = (t) => Promise.all([
    fetchBuffer(t.test + '/model.onnx'),
    Promise.all(t.sets.map(async (s) => ({
      name: s.name,
      inputs: await Promise.all(s.inputs.map(fetchBuffer)),
      outputs: await Promise.all(s.outputs.map(fetchBuffer))
    })))
  ]);
  try {
    window.conformance.kernels = (await PocketGridConformance.kernels(options.backend)).join(',');
    const tests = await (await fetch('/data/index.json')).json();
    let next = tests.length > 0 ? fetchTest(tests[0]) : null;
    for (let i = 0; i < tests.length; i++) {
      const [model, sets] = await next;
      next = i + 1 < tests.length ? fetchTest(tests[i + 1]) : null; // overlap the next download with this run
      const r = await PocketGridConformance.conformanceCase(model, sets, options);
      window.conformance.results.push({test: tests[i].test, kind: r.kind, ops: Array.from(r.ops), message: r.message});
      if (i % 50 === 0) {
        status.textContent = i + ' / ' + tests.length;
      }
    }
  } catch (e) {
    window.conformance.error = String(e && e.stack || e);
  }
  window.conformance.seconds = Math.round((performance.now() - started) / 100) / 10;
  status.textContent = 'done';
  window.conformance.done = true;
})();
