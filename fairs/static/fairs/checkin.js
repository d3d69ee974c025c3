// The entrance check-in page: it keeps working on a weak connection. Every scan (camera or typed
// code) is first saved in this phone's localStorage with an id made here, then sent in batches
// whenever the phone is online. The server answers each scan id once and ignores it when it comes
// again, so re-sending after a lost answer is harmless; a second scan of a person counts once.
(function () {
  "use strict";
  var root = document.getElementById("checkin");
  if (!root) { return; }
  var key = "fairs.checkin." + root.getAttribute("data-fair") + ".queue";
  var syncUrl = root.getAttribute("data-sync-url");
  var csrf = root.getAttribute("data-csrf");
  var text = function (name) { return root.getAttribute("data-text-" + name) || ""; };
  var connection = document.getElementById("connection");
  var pending = document.getElementById("pending-count");
  var checkedIn = document.getElementById("checked-in-count");
  var last = document.getElementById("last");
  var results = document.getElementById("results");
  var sending = false;

  function load() {
    try { return JSON.parse(window.localStorage.getItem(key) || "[]"); } catch (e) { return []; }
  }
  function save(queue) {
    window.localStorage.setItem(key, JSON.stringify(queue));
    pending.textContent = String(queue.length);
  }
  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }
  function show(message, kind) {
    last.textContent = message;
    last.className = "message" + (kind ? " message-" + kind : "");
    last.hidden = false;
  }
  function addResult(result) {
    var item = document.createElement("li");
    item.className = "card review-item scan-" + result.status;
    item.textContent = result.message;
    results.insertBefore(item, results.firstChild);
    while (results.children.length > 20) { results.removeChild(results.lastChild); }
  }

  function enqueue(code) {
    code = (code || "").trim();
    if (!code) { return; }
    var queue = load();
    queue.push({ id: newId(), code: code, at: new Date().toISOString() });
    save(queue);
    show(text("queued"), "");
    sync();
  }

  function sync() {
    var queue = load();
    if (sending || queue.length === 0) { return; }
    sending = true;
    var batch = queue.slice(0, 200);
    fetch(syncUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify({ scans: batch })
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (body) {
      var answered = {};
      var list = body.results || [];
      list.forEach(function (result) {
        answered[result.id] = true;
        addResult(result);
        if (result.status === "checked_in") { checkedIn.textContent = String(Number(checkedIn.textContent) + 1); }
      });
      var lastResult = list[list.length - 1];
      if (lastResult) { show(lastResult.message, lastResult.status === "invalid" ? "error" : "success"); }
      var rest = load().filter(function (scan) { return !answered[scan.id]; });
      save(rest);
      connection.textContent = rest.length ? text("online") : text("online") + " " + text("sent");
    }).catch(function () {
      connection.textContent = text("offline");
    }).then(function () {
      sending = false;
      var left = load().length;
      if (left && left < queue.length) { sync(); }  // progress made: send the rest
    });
  }

  document.getElementById("typed-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var input = document.getElementById("typed");
    enqueue(input.value);
    input.value = "";
    input.focus();
  });
  document.getElementById("sync").addEventListener("click", sync);
  window.addEventListener("online", function () { connection.textContent = text("online"); sync(); });
  window.addEventListener("offline", function () { connection.textContent = text("offline"); });
  window.setInterval(sync, 15000);
  save(load());
  sync();

  // The camera, where the browser can read QR codes itself (BarcodeDetector); else typed codes.
  var start = document.getElementById("start-camera");
  var video = document.getElementById("camera");
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) {
    start.addEventListener("click", function () { show(text("no-camera"), "warning"); });
    return;
  }
  var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  var seen = {};
  start.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      start.hidden = true;
      return video.play();
    }).then(function () {
      window.setInterval(function () {
        detector.detect(video).then(function (codes) {
          codes.forEach(function (found) {
            var now = Date.now();
            if (seen[found.rawValue] && now - seen[found.rawValue] < 5000) { return; }
            seen[found.rawValue] = now;
            enqueue(found.rawValue);
          });
        }).catch(function () {});
      }, 300);
    }).catch(function () { show(text("no-camera"), "warning"); });
  });
})();
