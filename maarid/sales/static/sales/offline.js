/* Maarid offline pieces shared by the phone apps (the sales app's queue, the gate app).
 *
 * - MaaridOffline.client(api, language): calls the API with the phone's device token and a
 *   timeout; a failed fetch throws (the caller keeps the record queued).
 * - MaaridOffline.drain(lockName, next, send): sends a queue in batches, one tab at a time
 *   (Web Locks); next() gives the next batch (empty: done), send(batch) returns true when the
 *   server took it (false: stop and retry later). The server dedupes by key anyway.
 * - MaaridOffline.install(cacheName, worker, scope, extra): registers the service worker served at the
 *   site's root (/pos-sw.js) for the app's scope and stores the page and its files in the cache,
 *   so the app opens with no network (``extra``: files it loads later, such as a library).
 */
(function () {
  "use strict";

  const TIMEOUT_MS = 10000;

  function client(api, language) {
    let token = null;
    return {
      setToken(value) {
        token = value;
      },
      get token() {
        return token;
      },
      async call(path, options = {}) {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
        try {
          return await fetch(api + path, {
            ...options,
            signal: controller.signal,
            cache: "no-store",
            headers: {
              Authorization: "Bearer " + token,
              "Content-Type": "application/json",
              "Accept-Language": language,
            },
          });
        } finally {
          clearTimeout(timer);
        }
      },
    };
  }

  const running = new Set();

  async function drain(lockName, next, send) {
    if (running.has(lockName) || !navigator.onLine) return;
    const run = async () => {
      running.add(lockName);
      try {
        for (;;) {
          const batch = await next();
          if (!batch.length) break;
          if (!(await send(batch))) break;
        }
      } finally {
        running.delete(lockName);
      }
    };
    if (navigator.locks) await navigator.locks.request(lockName, run);
    else await run();
  }

  async function install(cacheName, worker, scope, extra = []) {
    if (!("serviceWorker" in navigator)) return;
    try {
      await navigator.serviceWorker.register(worker, { scope });
      const urls = [scope, ...extra];
      document
        .querySelectorAll("link[rel=stylesheet], link[rel=manifest], link[rel=icon], script[src]")
        .forEach((el) => urls.push(new URL(el.href || el.src, location.href).pathname));
      const cache = await caches.open(cacheName);
      await cache.addAll(urls);
    } catch (error) {
      // No service worker (a private window, an old phone): the app still works while open.
    }
  }

  window.MaaridOffline = { client, drain, install };
})();
