'use strict';
// Page side of contributing: keeps this browser's anonymous volunteer identity, starts and stops
// the Web Worker, and reports progress to the Vaadin view through its @ClientCallable methods.
(function () {
  const IDENTITY_KEY = 'pocketgrid.volunteer';
  const COUNT_KEY = 'pocketgrid.tasksCompleted';
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

  const SETTINGS_KEY = 'pocketgrid.settings';
  let workers = [];
  let currentView = null;
  let wanted = false;
  let pausedFor = null;

  function settings() {
    const defaults = {workers: Math.max(1, (navigator.hardwareConcurrency || 2) - 1), cpuPercent: 100,
      pauseWhenHidden: true, pauseOnBatteryBelow: 20};
    try {
      return Object.assign(defaults, JSON.parse(localStorage.getItem(SETTINGS_KEY) || '{}'));
    } catch (e) {
      return defaults;
    }
  }

  /** Saves the volunteer's choices; running workers restart with them. */
  function configure(view, changes) {
    localStorage.setItem(SETTINGS_KEY, JSON.stringify(Object.assign(settings(), changes)));
    if (workers.length > 0) {
      terminateAll();
      launch(view);
    }
  }

  function terminateAll() {
    workers.forEach((w) => w.terminate());
    workers = [];
  }

  async function start(view) {
    currentView = view;
    wanted = true;
    await launch(view);
  }

  async function launch(view) {
    if (workers.length > 0 || !wanted || pausedFor) {
      if (pausedFor) {
        report(view, 'stateChanged', 'paused (' + pausedFor + ')');
      }
      return;
    }
    const apiBase = location.origin + '/api/v1';
    report(view, 'stateChanged', 'starting');
    let me;
    try {
      me = await identity(apiBase);
    } catch (e) {
      report(view, 'stateChanged', 'offline');
      setTimeout(() => launch(view), 5000);
      return;
    }
    if (!wanted || workers.length > 0) {
      return;
    }
    const s = settings();
    const backend = new URLSearchParams(location.search).get('backend') || 'auto';
    for (let i = 0; i < s.workers; i++) {
      const worker = new Worker('/worker/worker-boot.js');
      worker.onmessage = (event) => onWorkerMessage(view, event.data);
      worker.postMessage({type: 'start', config: {
        apiBase: apiBase,
        token: me.token,
        backend: backend,
        cpuPercent: s.cpuPercent,
        leaseRequest: JSON.stringify({cores: navigator.hardwareConcurrency || 1, workers: s.workers})
      }});
      workers.push(worker);
    }
  }

  function onWorkerMessage(view, msg) {
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
  }

  function stop(view) {
    wanted = false;
    terminateAll();
    report(view, 'stateChanged', 'stopped');
  }

  /** Pauses (workers end at once) or resumes for a reason: the tab is hidden, or the battery is low. */
  function pause(reason) {
    if (reason === pausedFor) {
      return;
    }
    pausedFor = reason;
    if (!wanted) {
      return;
    }
    if (reason) {
      terminateAll();
      report(currentView, 'stateChanged', 'paused (' + reason + ')');
    } else {
      launch(currentView);
    }
  }

  document.addEventListener('visibilitychange', () => {
    if (settings().pauseWhenHidden) {
      pause(document.hidden ? 'tab hidden' : null);
    }
  });

  if (navigator.getBattery) {
    navigator.getBattery().then((battery) => {
      const check = () => {
        const low = !battery.charging && battery.level * 100 < settings().pauseOnBatteryBelow;
        if (low) {
          pause('battery low');
        } else if (pausedFor === 'battery low') {
          pause(null);
        }
      };
      battery.addEventListener('levelchange', check);
      battery.addEventListener('chargingchange', check);
      check();
    });
  }

  window.PocketGrid = {start: start, stop: stop, completedSoFar: completedSoFar, settings: settings,
    configure: configure, workerCount: () => workers.length};
})();
