/* 防贫 field app service worker (rendered by fangpin.web.pwa; see there). */
"use strict";
const VERSION = "{{ version }}";
const SHELL_CACHE = "fangpin-shell-" + VERSION;
const PAGE_CACHE = "fangpin-pages";
const SHELL = {{ shell|safe }};
const MAX_AGE_MS = {{ max_age_ms }};
const LOGIN_PATH = "{{ login_path }}";
const STAMP = "x-fangpin-cached-at";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("fangpin-shell-") && name !== SHELL_CACHE) { await caches.delete(name); }
    }
    await self.clients.claim();
  })());
});

function isPage(response) {
  // Only pages are kept: an Excel export or a PDF opened from a page is not.
  return response.ok && response.type === "basic" && !response.redirected &&
    (response.headers.get("Content-Type") || "").startsWith("text/html");
}

async function keepPage(request, response) {
  // Pages are kept with the time they were fetched: after the session's lifetime they are
  // no longer shown (the device session ends like the web session).
  const body = await response.clone().blob();
  const headers = new Headers(response.headers);
  headers.set(STAMP, String(Date.now()));
  const cache = await caches.open(PAGE_CACHE);
  await cache.put(request.url, new Response(body, { status: 200, headers: headers }));
}

async function keptPage(url) {
  const cache = await caches.open(PAGE_CACHE);
  const hit = await cache.match(url);
  if (!hit) { return null; }
  const at = Number(hit.headers.get(STAMP) || 0);
  if (Date.now() - at > MAX_AGE_MS) { await cache.delete(url); return null; }
  return hit;
}

async function page(request) {
  try {
    const response = await fetch(request);
    const url = new URL(response.url);
    if (url.pathname === LOGIN_PATH) {
      await caches.delete(PAGE_CACHE); // signed out or expired: nothing personal stays
    } else if (isPage(response)) {
      await keepPage(request, response);
    }
    return response;
  } catch (offline) {
    return (await keptPage(request.url)) || (await caches.match("/offline/", { cacheName: SHELL_CACHE })) || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/admin/")) { return; }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request, { cacheName: SHELL_CACHE }).then((hit) => hit || fetch(request)));
    return;
  }
  if (request.mode === "navigate") { event.respondWith(page(request)); }
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "keep" && Array.isArray(data.urls)) {
    // The pages of the worker's own households, opened now so that they open offline later.
    event.waitUntil(Promise.all(data.urls.slice(0, 200).map(async (path) => {
      const url = new URL(path, self.location.origin);
      if (url.origin !== self.location.origin) { return; }
      try {
        const response = await fetch(url, { credentials: "same-origin" });
        if (isPage(response)) { await keepPage(new Request(url), response); }
      } catch (offline) { /* kept pages stay as they were */ }
    })));
  } else if (data.type === "forget") {
    event.waitUntil(caches.delete(PAGE_CACHE));
  }
});
