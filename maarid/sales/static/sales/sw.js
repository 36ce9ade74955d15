/* Maarid sales app: the service worker that lets the app open with no network.
 *
 * The app's page stores its own files in the cache (it knows their current names); this
 * worker answers from that cache: the page from the network when it can (a new version shows
 * at once), else from the cache; the files from the cache first. The API is never cached:
 * the app itself keeps sales in IndexedDB and decides what to do when a request fails.
 */
const CACHE = "maarid-pos-v1";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
          }
          return response;
        })
        .catch(() =>
          caches.match(url.pathname).then((cached) => cached || Response.error())
        )
    );
    return;
  }
  event.respondWith(
    caches.match(request, { ignoreSearch: true }).then((cached) => cached || fetch(request))
  );
});
