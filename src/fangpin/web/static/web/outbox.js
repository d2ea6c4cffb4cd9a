/* The field app's outbox (see fangpin/web/pwa.py).

   A form marked data-offline="<what it records>" is not sent by the browser directly: it is
   first written to this phone (IndexedDB, with a new id), then sent. Without a signal it
   waits, survives a reload or a closed browser, and is sent when the signal returns, with
   its id as Idempotency-Key, so the server records it once however often it arrives.
   A record the server did not accept (the case moved on meanwhile, the household left the
   grid) stays in the outbox with the server's reason until the worker deals with it: nothing
   is dropped silently. Photos are made smaller here before they are kept or sent. */
(function () {
  "use strict";
  var DB = "fangpin-field";
  var STORE = "outbox";
  var LOGIN_PATH = "/login/";
  var MAX_PHOTO_SIDE = 1600;

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "id" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var request = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function all() { return withStore("readonly", function (s) { return s.getAll(); }); }
  function keep(entry) { return withStore("readwrite", function (s) { return s.put(entry); }); }
  function drop(id) { return withStore("readwrite", function (s) { return s.delete(id); }); }

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function smaller(file) {
    // A phone photo of 4–8 MB becomes a JPEG of at most 1600 px a side (a few hundred KB).
    if (!(file instanceof File) || !/^image\//.test(file.type) || !window.createImageBitmap) {
      return Promise.resolve(file);
    }
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, MAX_PHOTO_SIDE / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && file.size < 500 * 1024) { return file; }
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          resolve(blob ? new File([blob], file.name.replace(/\.[^.]*$/, "") + ".jpg", { type: "image/jpeg" }) : file);
        }, "image/jpeg", 0.82);
      });
    }, function () { return file; });
  }

  function fieldsOf(form) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) { pairs.push([name, value]); });
    return Promise.all(pairs.map(function (pair) {
      if (pair[1] instanceof File && !pair[1].size) { return null; } // no file chosen
      return smaller(pair[1]).then(function (value) {
        return value instanceof File ? [pair[0], value, value.name] : [pair[0], value];
      });
    })).then(function (list) { return list.filter(Boolean); });
  }

  function reasonFrom(html, status) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var found = Array.prototype.map.call(
      doc.querySelectorAll(".refusal, .field-error, .errorlist li, [role=alert]"),
      function (node) { return node.textContent.replace(/\s+/g, " ").trim(); }
    ).filter(Boolean);
    var unique = found.filter(function (text, i) { return found.indexOf(text) === i; });
    return unique.length ? unique.join(";") : "服务器未接受(状态 " + status + ")";
  }

  function send(entry) {
    var body = new FormData();
    entry.fields.forEach(function (f) { if (f.length === 3) { body.append(f[0], f[1], f[2]); } else { body.append(f[0], f[1]); } });
    return fetch(entry.url, {
      method: "POST", body: body, credentials: "same-origin", headers: { "Idempotency-Key": entry.id }
    }).then(function (response) {
      var landed = new URL(response.url, location.href);
      if (landed.pathname === LOGIN_PATH) {
        entry.state = "login";
        entry.reason = "登录已过期,请重新登录后再上传";
        return keep(entry).then(function () { return { entry: entry, response: response }; });
      }
      if (response.redirected && response.ok) {
        return drop(entry.id).then(function () { return { sent: true, response: response }; });
      }
      return response.text().then(function (html) {
        entry.state = "refused";
        entry.reason = reasonFrom(html, response.status);
        return keep(entry).then(function () { return { entry: entry, response: response }; });
      });
    }, function () {
      entry.state = "waiting";
      return keep(entry).then(function () { return { offline: true }; });
    });
  }

  var STATE_LABELS = { waiting: "等待网络", login: "需重新登录", refused: "未被接受" };
  var sending = false;

  function render() {
    var box = document.getElementById("outbox");
    if (!box) { return Promise.resolve(); }
    return all().then(function (entries) {
      var list = box.querySelector("ul");
      list.textContent = "";
      entries.sort(function (a, b) { return a.created - b.created; });
      entries.forEach(function (entry) {
        var item = document.createElement("li");
        item.className = "outbox-" + entry.state;
        item.dataset.outboxId = entry.id;
        var when = new Date(entry.created);
        var title = document.createElement("strong");
        title.textContent = entry.title;
        item.appendChild(title);
        item.appendChild(document.createTextNode(" · " + when.toLocaleString("zh-CN") + " · " + (STATE_LABELS[entry.state] || "")));
        if (entry.reason) {
          var reason = document.createElement("p");
          reason.className = "outbox-reason";
          reason.textContent = entry.reason;
          item.appendChild(reason);
        }
        if (entry.state === "refused") {
          var open = document.createElement("a");
          open.href = entry.page || entry.url;
          open.textContent = "打开原页面";
          var remove = document.createElement("button");
          remove.type = "button";
          remove.className = "link";
          remove.dataset.outboxDrop = entry.id;
          remove.textContent = "已处理,删除此条";
          item.appendChild(open);
          item.appendChild(document.createTextNode(" "));
          item.appendChild(remove);
        }
        list.appendChild(item);
      });
      box.hidden = entries.length === 0;
      box.querySelector(".outbox-count").textContent = String(entries.length);
      box.dataset.count = String(entries.length);
    });
  }

  function flush() {
    if (sending || !navigator.onLine) { return Promise.resolve(); }
    sending = true;
    return all().then(function (entries) {
      var due = entries.filter(function (e) { return e.state !== "refused"; });
      return due.reduce(function (chain, entry) {
        return chain.then(function () { return send(entry); });
      }, Promise.resolve());
    }).then(function () { sending = false; return render(); }, function () { sending = false; return render(); });
  }

  function say(text) {
    var box = document.getElementById("outbox");
    if (!box) { return; }
    box.hidden = false;
    box.querySelector(".outbox-note").textContent = text;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-offline]") || form.dataset.offlineNative) { return; }
    event.preventDefault();
    var button = form.querySelector("button[type=submit], button:not([type])");
    if (button) { button.disabled = true; }
    fieldsOf(form).then(function (fields) {
      var entry = {
        id: newId(), url: form.action || location.href, page: location.href,
        title: form.dataset.offline, fields: fields, created: Date.now(), state: "waiting", reason: ""
      };
      return keep(entry).then(function () {
        if (!navigator.onLine) { return { offline: true }; }
        return send(entry);
      });
    }).then(function (result) {
      if (result.sent) { location.assign(result.response.url); return; }
      if (result.offline) {
        if (button) { button.disabled = false; }
        form.reset();
        say("没有网络:已保存在本机,联网后自动上传。");
        return render();
      }
      // Sent back (a wrong field, or refused): it was not recorded, so the worker sees the
      // form with the server's message, as if it had been sent directly.
      return drop(result.entry.id).then(function () {
        form.dataset.offlineNative = "1";
        form.submit();
      });
    });
  });

  document.addEventListener("click", function (event) {
    var dropButton = event.target.closest("[data-outbox-drop]");
    if (dropButton) { drop(dropButton.dataset.outboxDrop).then(render); return; }
    if (event.target.closest("[data-outbox-send]")) { flush(); }
  });

  // Signing out clears this phone's copies (Clear-Site-Data): ask first if some wait.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-logout]")) { return; }
    var box = document.getElementById("outbox");
    var count = box ? Number(box.dataset.count || 0) : 0;
    if (count && !window.confirm("还有 " + count + " 条记录没有上传,退出后将从本机清除。确定退出吗?")) {
      event.preventDefault();
    }
  }, true);

  window.addEventListener("online", flush);

  function keepMyPages() {
    // Pages of the worker's own households (links inside [data-keep-offline]) are opened in
    // the background once online, so that they open later without a signal.
    if (!navigator.serviceWorker || !navigator.serviceWorker.controller) { return; }
    var urls = [];
    document.querySelectorAll("[data-keep-offline] a[href^='/']").forEach(function (a) {
      if (urls.indexOf(a.getAttribute("href")) < 0) { urls.push(a.getAttribute("href")); }
    });
    if (urls.length) { navigator.serviceWorker.controller.postMessage({ type: "keep", urls: urls }); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    render().then(flush);
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
        return navigator.serviceWorker.ready;
      }).then(function () {
        if (navigator.onLine) { keepMyPages(); }
      }, function () { /* an old browser: the pages work online as before */ });
    }
  });
})();
