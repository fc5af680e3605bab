'use strict';
// Page side of the leases the volunteer's Web Workers hold. The page ends workers at once (stop,
// withdrawn consent, pause, new settings, leaving the page); a lease such a worker held is then
// given back to the server (POST /api/v1/work/{leaseId}/release, so its task goes to someone else
// at once instead of at expiry) or, on a pause, parked: the worker that starts after the pause
// continues it, unless the pause lasts past the point where the task could still finish before its
// deadline, when it is given back. The release uses fetch with keepalive: it carries the headers
// the call needs (sendBeacon cannot) and survives the page being closed.
(function () {
  const SAFETY = 1.5;
  const MARGIN_MS = 2000;
  const UNKNOWN_ESTIMATE_MS = 60000; // the server sizes tasks to take about a minute
  const held = new Map(); // worker → {lease, estimatedMs}
  let parked = []; // {lease, estimatedMs, timer}
  let auth = null;

  /** The identity releases are sent with. */
  function use(apiBase, token) {
    auth = {apiBase: apiBase, token: token};
  }

  /** A worker's 'lease' message: the lease it now holds, or none. */
  function update(worker, msg) {
    if (msg.lease && msg.lease.leaseId && msg.lease.leaseToken) {
      held.set(worker, {lease: msg.lease, estimatedMs: Number(msg.estimatedMs)});
    } else {
      held.delete(worker);
    }
  }

  function giveBack(lease) {
    if (!auth) {
      return Promise.resolve(false);
    }
    return fetch(auth.apiBase + '/work/' + encodeURIComponent(lease.leaseId) + '/release', {
      method: 'POST',
      keepalive: true,
      headers: {'Authorization': 'Bearer ' + auth.token, 'X-Lease-Token': String(lease.leaseToken)}
    }).then((r) => r.ok, () => false); // unreachable: the lease expires on the server instead
  }

  /** The worker was ended: give its lease back, or park it for a worker that resumes (keep). */
  function ended(worker, keep) {
    const h = held.get(worker);
    held.delete(worker);
    if (!h) {
      return;
    }
    if (keep) {
      park(h);
    } else {
      giveBack(h.lease);
    }
  }

  function park(h) {
    const estimate = h.estimatedMs >= 0 ? h.estimatedMs : UNKNOWN_ESTIMATE_MS;
    const latestResume = Number(h.lease.deadlineEpochMs) - estimate * SAFETY - MARGIN_MS;
    const entry = {lease: h.lease, estimatedMs: h.estimatedMs};
    entry.timer = setTimeout(() => {
      parked = parked.filter((p) => p !== entry);
      giveBack(entry.lease);
    }, Math.max(0, latestResume - Date.now()));
    parked.push(entry);
  }

  /** A parked lease for a starting worker to continue, or null. */
  function takeParked() {
    const entry = parked.shift();
    if (!entry) {
      return null;
    }
    clearTimeout(entry.timer);
    return entry.lease;
  }

  /** Gives back parked leases no worker took. */
  function giveBackParked() {
    let lease;
    while ((lease = takeParked()) !== null) {
      giveBack(lease);
    }
  }

  /** Gives back everything held or parked (the page is going away). */
  function giveBackAll() {
    held.forEach((h) => giveBack(h.lease));
    held.clear();
    giveBackParked();
  }

  window.PocketGridLeases = {use: use, update: update, ended: ended, takeParked: takeParked,
    giveBackParked: giveBackParked, giveBackAll: giveBackAll, count: () => held.size + parked.length};
})();
