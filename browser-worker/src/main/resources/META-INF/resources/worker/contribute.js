'use strict';
// Page side of contributing: keeps this browser's anonymous volunteer identity, starts and stops
// the Web Worker, and reports progress to the Vaadin view through its @ClientCallable methods.
(function () {
  const IDENTITY_KEY = 'pocketgrid.volunteer';
  const COUNT_KEY = 'pocketgrid.tasksCompleted';
  let worker = null;
  let running = 'running';

  async function identity(apiBase) {
    const stored = localStorage.getItem(IDENTITY_KEY);
    if (stored) {
      return JSON.parse(stored);
    }
    const response = await fetch(apiBase + '/volunteers', {method: 'POST'});
    if (!response.ok) {
      throw new Error('could not register: HTTP ' + response.status);
    }
    const created = await response.json();
    localStorage.setItem(IDENTITY_KEY, JSON.stringify(created));
    return created;
  }

  function completedSoFar() {
    return Number(localStorage.getItem(COUNT_KEY) || '0');
  }

  function report(view, method, value) {
    if (view && view.$server && view.$server[method]) {
      view.$server[method](value);
    }
  }

  async function start(view) {
    if (worker) {
      return;
    }
    const apiBase = location.origin + '/api/v1';
    report(view, 'stateChanged', 'starting');
    let me;
    try {
      me = await identity(apiBase);
    } catch (e) {
      report(view, 'stateChanged', 'offline');
      return;
    }
    const backend = new URLSearchParams(location.search).get('backend') || 'auto';
    worker = new Worker('/worker/worker-boot.js');
    worker.onmessage = (event) => {
      const msg = event.data;
      if (msg.type === 'completed') {
        const count = completedSoFar() + 1;
        localStorage.setItem(COUNT_KEY, String(count));
        report(view, 'tasksCompleted', count);
        report(view, 'stateChanged', running);
      } else if (msg.type === 'ready') {
        running = 'running (' + (msg.backend === 'wasm' ? 'WebAssembly' : 'JavaScript') + ')';
        report(view, 'stateChanged', running);
      } else if (msg.type === 'idle') {
        report(view, 'stateChanged', 'waiting for work');
      } else if (msg.type === 'error') {
        report(view, 'stateChanged', 'retrying: ' + msg.message);
      }
    };
    worker.postMessage({type: 'start', config: {
      apiBase: apiBase,
      token: me.token,
      backend: backend,
      leaseRequest: JSON.stringify({cores: navigator.hardwareConcurrency || 1})
    }});
  }

  function stop(view) {
    if (worker) {
      worker.terminate();
      worker = null;
    }
    report(view, 'stateChanged', 'stopped');
  }

  window.PocketGrid = {start: start, stop: stop, completedSoFar: completedSoFar};
})();
