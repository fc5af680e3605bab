'use strict';
// Models by SHA-256 for the volunteer worker: Cache Storage (the `caches` API, on secure contexts
// including localhost) keyed by the model's canonical URL /api/v1/models/{sha256}, so a returning
// volunteer downloads nothing twice. What is fetched is checked against its SHA-256
// (crypto.subtle.digest) before it is cached or used; what is read back from the cache is
// checked again (a damaged entry is dropped and fetched anew). Without `caches` the model is
// simply fetched. Workers of one page take a Web Lock per model, so only one of them downloads it.
(function (global) {
  const CACHE_NAME = 'pocketgrid-models-v1';
  const SHA256 = /^[0-9a-f]{64}$/;

  async function sha256Hex(bytes) {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  async function verified(bytes, sha256) {
    if (!(global.crypto && crypto.subtle)) {
      return true; // no SubtleCrypto outside secure contexts; nothing is cached there either
    }
    return (await sha256Hex(bytes)) === sha256;
  }

  async function download(url, sha256) {
    const response = await fetch(url);
    if (!response.ok) {
      throw new Error('model download failed: HTTP ' + response.status);
    }
    const bytes = await response.arrayBuffer();
    if (!(await verified(bytes, sha256))) {
      throw new Error('the model downloaded from ' + url + ' does not match its SHA-256');
    }
    return bytes;
  }

  async function fromCache(key, url, sha256) {
    const cache = await caches.open(CACHE_NAME);
    const hit = await cache.match(key);
    if (hit) {
      const bytes = await hit.arrayBuffer();
      if (await verified(bytes, sha256)) {
        return {bytes: bytes, cached: true};
      }
      await cache.delete(key);
    }
    const bytes = await download(url, sha256);
    await cache.put(key, new Response(bytes, {headers: {'Content-Type': 'application/octet-stream'}}));
    return {bytes: bytes, cached: false};
  }

  /**
   * The ONNX file with this SHA-256: from the cache, else downloaded from `url` and cached.
   * Resolves to {bytes: ArrayBuffer, cached: boolean}; rejects when it cannot be had or verified.
   */
  async function get(sha256, url, apiBase) {
    if (!SHA256.test(String(sha256))) {
      throw new Error('the lease names no valid model SHA-256');
    }
    const source = new URL(url || ('models/' + sha256), apiBase + '/');
    if (source.protocol !== 'https:' && source.protocol !== 'http:') {
      throw new Error('the model URL is not http(s)');
    }
    if (!global.caches) {
      return {bytes: await download(source.href, sha256), cached: false};
    }
    const key = new URL('models/' + sha256, apiBase + '/').href;
    const load = () => fromCache(key, source.href, sha256);
    return global.navigator && navigator.locks ? navigator.locks.request('pocketgrid-model-' + sha256, load) : load();
  }

  global.PocketGridModels = {get: get, cacheName: CACHE_NAME};
})(globalThis);
