'use strict';
// Page side of contributing: keeps this browser's anonymous volunteer identity, starts and stops
// the Web Workers, and reports progress and the device's speed to the Vaadin view through its
// @ClientCallable methods. Leases held by workers it ends are handled by leases.js.
(function () {
  // the same name as HomeView.IDENTITY_KEY, under which the ledger and account views read the identity
  const IDENTITY_KEY = 'pocketgrid.volunteer';
  const COUNT_KEY = 'pocketgrid.tasksCompleted';
  // set while this tab contributes, so a reload (Vaadin reloads by itself when a restarted server
  // lost its session) goes on where it was; per tab, so a new tab starts stopped
  const RUNNING_KEY = 'pocketgrid.running';
  const RELOADED_KEY = 'pocketgrid.reloads';
  let running = null; // the backend's words once a worker is ready

  // The state words in the page's language: the view puts them in window.PocketGridMessages (patterns
  // with {0} for a value); these English ones stand in until then.
  const ENGLISH = {stopped: 'stopped', starting: 'starting', offline: 'offline',
    'offline-retrying': 'offline, retrying in {0} s', paused: 'paused ({0})', running: 'running ({0})',
    wasm: 'WebAssembly', js: 'JavaScript', idle: 'waiting for work',
    'gave-back': 'gave back a task it could not finish in time', retrying: 'retrying: {0}',
    banner: 'This device is {0}', 'tab-hidden': 'tab hidden', 'not-charging': 'not charging',
    'battery-low': 'battery low'};

  function t(key, value) {
    const words = (window.PocketGridMessages && window.PocketGridMessages[key]) || ENGLISH[key] || key;
    return words.replace('{0}', value === undefined ? '' : String(value));
  }

  /** Reports a state by its key (the offline ones also show in the page's own banner). */
  function state(view, key, value) {
    const text = t(key, value);
    showOffline(key === 'offline' || key === 'offline-retrying' ? text : null);
    report(view, 'stateChanged', text);
  }

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

  // The view's state line is set through the server, which is exactly what cannot be reached when
  // the worker is offline: show that state in a banner of the page's own.
  function showOffline(text) {
    let banner = document.getElementById('worker-offline');
    if (!text) {
      if (banner) {
        banner.remove();
      }
      return;
    }
    if (!banner) {
      banner = document.createElement('div');
      banner.id = 'worker-offline';
      banner.setAttribute('role', 'status');
      banner.style.cssText = 'position:fixed;bottom:1rem;left:50%;transform:translateX(-50%);z-index:1000;'
        + 'padding:.5rem 1rem;border-radius:.5rem;background:#333;color:#fff;font:14px sans-serif';
      document.body.appendChild(banner);
    }
    banner.textContent = t('banner', text);
  }

  // What this browser did in this session (per tab, kept across reloads): for the view's chart and figures
  const SESSION_KEY = 'pocketgrid.session';
  let lastModel = null; // the model of the last lease reported to the view: a new one is a new project
  let lastTask = 0;
  let idle = false;
  let sessionTimer = null;

  function session() {
    try {
      const s = JSON.parse(sessionStorage.getItem(SESSION_KEY));
      if (s && s.start) {
        return s;
      }
    } catch (e) {
      // a damaged entry starts afresh
    }
    return {start: Date.now(), perMinute: {}, modelBytes: 0, inputBytes: 0};
  }

  function updateSession(change) {
    const s = session();
    change(s);
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
    // at most one report a second: workers can finish many tasks a second
    if (sessionTimer === null) {
      sessionTimer = setTimeout(() => {
        sessionTimer = null;
        report(currentView, 'session', sessionSummary());
      }, 1000);
    }
  }

  /** The session for the view: bytes downloaded, and tasks completed per minute over its last hour. */
  function sessionSummary() {
    const s = session();
    const now = Math.floor((Date.now() - s.start) / 60000);
    const perMinute = [];
    for (let m = Math.max(0, now - 59); m <= now; m++) {
      perMinute.push(s.perMinute[m] || 0);
    }
    return JSON.stringify({modelBytes: s.modelBytes, inputBytes: s.inputBytes, perMinute: perMinute,
      task: lastTask, idle: idle});
  }

  function setIdle(yes, view) {
    if (idle !== yes) {
      idle = yes;
      report(view, 'noWork', yes);
    }
  }

  const SETTINGS_KEY = 'pocketgrid.settings';
  let workers = [];
  let currentView = null;
  let wanted = false;
  let pausedFor = null;
  const speeds = new Map(); // worker → GFLOP/s from its start-up benchmark

  function settings() {
    const defaults = {workers: Math.max(1, (navigator.hardwareConcurrency || 2) - 1), cpuPercent: 100,
      pauseWhenHidden: true, pauseOnBatteryBelow: 20, onlyWhileCharging: false};
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
      terminateAll(true);
      launch(view);
    }
    checkBattery();
  }

  /** Ends every worker at once; their leases are given back, or parked for the next workers (keep). */
  function terminateAll(keep) {
    workers.forEach((w) => {
      w.terminate();
      leases().ended(w, keep);
    });
    workers = [];
    speeds.clear();
  }

  function leases() {
    return window.PocketGridLeases;
  }

  async function start(view) {
    currentView = view;
    lastModel = null; // a new view: tell it the project again
    wanted = true;
    sessionStorage.setItem(RUNNING_KEY, 'yes');
    await launch(view);
  }

  async function launch(view) {
    if (workers.length > 0 || !wanted || pausedFor) {
      if (pausedFor) {
        state(view, 'paused', t(pausedFor));
      }
      return;
    }
    const apiBase = location.origin + '/api/v1';
    state(view, 'starting');
    let me;
    try {
      me = await identity(apiBase);
    } catch (e) {
      state(view, 'offline');
      setTimeout(() => launch(view), 5000);
      return;
    }
    if (!wanted || workers.length > 0) {
      return;
    }
    leases().use(apiBase, me.token);
    const s = settings();
    const backend = new URLSearchParams(location.search).get('backend') || 'auto';
    for (let i = 0; i < s.workers; i++) {
      const worker = new Worker('/worker/worker-boot.js');
      // to the view shown now: coming back to the home page from another view makes a new one
      worker.onmessage = (event) => onWorkerMessage(currentView, worker, event.data);
      worker.postMessage({type: 'start', config: {
        apiBase: apiBase,
        token: me.token,
        backend: backend,
        cpuPercent: s.cpuPercent,
        resumeLease: leases().takeParked()
      }});
      workers.push(worker);
    }
    leases().giveBackParked();
  }

  function reportSpeed(view) {
    let total = 0;
    speeds.forEach((g) => (total += g));
    if (view && view.$server && view.$server.deviceSpeed) {
      view.$server.deviceSpeed(total, speeds.size);
    }
  }

  function onWorkerMessage(view, worker, msg) {
    if (msg.type === 'lease') {
      leases().update(worker, msg);
      if (msg.lease && msg.lease.taskId) {
        setIdle(false, view);
        lastTask = Number(msg.lease.taskId);
        // the view names the project: ask it only when the model changes (one project, one model)
        if (msg.lease.modelSha256 !== lastModel) {
          lastModel = msg.lease.modelSha256;
          report(view, 'working', lastTask);
        }
      }
    } else if (msg.type === 'model') {
      if (Number(msg.bytes) > 0) {
        updateSession((s) => (s.modelBytes += Number(msg.bytes)));
      }
    } else if (msg.type === 'downloaded') {
      updateSession((s) => (s.inputBytes += Number(msg.bytes)));
    } else if (msg.type === 'completed') {
      updateSession((s) => {
        const minute = Math.floor((Date.now() - s.start) / 60000);
        s.perMinute[minute] = (s.perMinute[minute] || 0) + 1;
      });
      const count = completedSoFar() + 1;
      localStorage.setItem(COUNT_KEY, String(count));
      report(view, 'tasksCompleted', count);
      if (running) {
        state(view, 'running', running);
      }
    } else if (msg.type === 'ready') {
      running = t(msg.backend === 'wasm' ? 'wasm' : 'js');
      state(view, 'running', running);
      if (Number(msg.gflops) > 0) {
        speeds.set(worker, Number(msg.gflops));
        reportSpeed(view);
      }
    } else if (msg.type === 'idle') {
      state(view, 'idle');
      setIdle(true, view);
    } else if (msg.type === 'gaveBack') {
      state(view, 'gave-back');
    } else if (msg.type === 'offline') {
      state(view, 'offline-retrying', Math.max(1, Math.round(msg.retryMs / 1000)));
    } else if (msg.type === 'error') {
      state(view, 'retrying', msg.message);
    }
  }

  function stop(view) {
    wanted = false;
    setIdle(false, view);
    sessionStorage.removeItem(RUNNING_KEY);
    showOffline(null);
    terminateAll(false);
    leases().giveBackParked();
    state(view, 'stopped');
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
      terminateAll(true);
      state(currentView, 'paused', t(reason));
    } else {
      launch(currentView);
    }
  }

  // leaving the page ends the workers: what they held goes back at once
  window.addEventListener('pagehide', () => leases().giveBackAll());

  document.addEventListener('visibilitychange', () => {
    if (settings().pauseWhenHidden) {
      pause(document.hidden ? 'tab-hidden' : null);
    }
  });

  // Battery: pause while not charging when the volunteer wants that (phones), or below the chosen
  // level on battery. Browsers without the Battery API (Firefox, Safari) cannot tell: the view says so.
  let battery = null;
  function checkBattery() {
    if (!battery) {
      return;
    }
    const s = settings();
    const reason = battery.charging ? null
      : s.onlyWhileCharging ? 'not-charging'
        : battery.level * 100 < s.pauseOnBatteryBelow ? 'battery-low' : null;
    if (reason) {
      pause(reason);
    } else if (pausedFor === 'battery-low' || pausedFor === 'not-charging') {
      pause(null);
    }
    updateWakeLock();
  }

  // Screen Wake Lock while charging (opt-in, with compute-only-while-charging): a phone on its charger
  // keeps the screen, and so the page and its workers, awake. The browser releases the lock whenever
  // the page is hidden; it is asked for again when the page shows. Browsers without the API: the view says so.
  let wakeLock = null;
  let wakeLockPending = false;

  function updateWakeLock() {
    const s = settings();
    const want = !!(s.wakeLockWhileCharging && s.onlyWhileCharging && wanted && !pausedFor && battery
      && battery.charging && document.visibilityState === 'visible');
    if (want && !wakeLock && !wakeLockPending && navigator.wakeLock) {
      wakeLockPending = true;
      navigator.wakeLock.request('screen').then((lock) => {
        wakeLockPending = false;
        wakeLock = lock;
        lock.addEventListener('release', () => {
          if (wakeLock === lock) {
            wakeLock = null;
          }
        });
        updateWakeLock(); // unwanted meanwhile: let it go
      }, () => (wakeLockPending = false)); // refused (battery saver, policy): the screen may sleep
    } else if (!want && wakeLock) {
      const lock = wakeLock;
      wakeLock = null;
      lock.release();
    }
  }

  document.addEventListener('visibilitychange', updateWakeLock);
  setInterval(updateWakeLock, 5000); // start, stop, pause and new settings change what is wanted

  if (navigator.getBattery) {
    navigator.getBattery().then((b) => {
      battery = b;
      battery.addEventListener('levelchange', checkBattery);
      battery.addEventListener('chargingchange', checkBattery);
      checkBattery();
    });
  }

  // After an outage the view can be left unable to talk to the server while the workers go on:
  // Vaadin's resynchronization fails ("connection-lost"), or its request from before the outage never
  // comes back and it stays "reconnecting" with the server up again. Once the server answers, reload:
  // Vaadin's own remedy, and a contributing tab resumes by itself (RUNNING_KEY). Reloads in a row wait
  // longer and longer (15 s, 30 s, ... at most 5 min), so a view that cannot connect for another
  // reason does not reload again and again; a view connected for a minute starts the count afresh.
  const STUCK_RECONNECTING_MS = 15000;
  let checkingServer = false;
  let notConnectedSince = null;

  function reloads() {
    try {
      return JSON.parse(sessionStorage.getItem(RELOADED_KEY)) || {at: 0, count: 0};
    } catch (e) {
      return {at: 0, count: 0};
    }
  }

  function reloadWhenServerAnswers() {
    fetch('/worker/contribute.js', {method: 'HEAD', cache: 'no-store'}).then((response) => {
      if (response.ok) {
        sessionStorage.setItem(RELOADED_KEY, JSON.stringify({at: Date.now(), count: reloads().count + 1}));
        location.reload();
      } else {
        setTimeout(reloadWhenServerAnswers, 5000);
      }
    }, () => setTimeout(reloadWhenServerAnswers, 5000));
  }

  setInterval(() => {
    const connection = window.Vaadin && window.Vaadin.connectionState;
    if (!connection || checkingServer) {
      return;
    }
    const now = Date.now();
    const last = reloads();
    if (connection.state === 'connected') {
      notConnectedSince = null;
      if (last.count > 0 && now - last.at > 60000) {
        sessionStorage.removeItem(RELOADED_KEY);
      }
      return;
    }
    if (notConnectedSince === null) {
      notConnectedSince = now;
    }
    const stuck = connection.state === 'connection-lost'
        || (connection.state === 'reconnecting' && now - notConnectedSince > STUCK_RECONNECTING_MS);
    if (stuck && now - last.at > Math.min(300000, 15000 * Math.pow(2, last.count))) {
      checkingServer = true;
      reloadWhenServerAnswers();
    }
  }, 5000);

  window.PocketGrid = {start: start, stop: stop, completedSoFar: completedSoFar, settings: settings,
    configure: configure, workerCount: () => workers.length, leasesHeld: () => leases().count(),
    wasRunning: () => sessionStorage.getItem(RUNNING_KEY) === 'yes', knowsCharging: () => !!navigator.getBattery,
    knowsWakeLock: () => !!navigator.wakeLock, wakeLockHeld: () => !!wakeLock, session: sessionSummary};
})();
