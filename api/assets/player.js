// The embed pages' player (video or audio): native HLS where the browser has it (Safari, Chromium), else hls.js.
(function () {
  var v = document.getElementById("player");
  var src = v.getAttribute("data-src");
  var start = parseFloat(v.getAttribute("data-start") || "0") || 0;
  if (start > 0) {
    v.addEventListener("loadedmetadata", function () {
      try { v.currentTime = start; } catch (e) { /* not seekable yet */ }
    }, { once: true });
  }
  if (src) {
    if (v.canPlayType("application/vnd.apple.mpegurl")) {
      v.src = src;
    } else if (window.Hls && window.Hls.isSupported()) {
      var hls = new window.Hls({ startPosition: start > 0 ? start : -1 });
      hls.loadSource(src);
      hls.attachMedia(v);
    } else {
      v.src = src;
    }
  }
  // In a playlist's embed page, the next item follows when this one ends.
  var next = v.getAttribute("data-next");
  if (next) {
    v.addEventListener("ended", function () { window.location.href = next; });
  }
  // One view beacon per page, when playback really starts.
  var views = v.getAttribute("data-views");
  var sent = false;
  v.addEventListener("playing", function () {
    if (sent || !views) return;
    sent = true;
    if (navigator.sendBeacon) navigator.sendBeacon(views);
    else fetch(views, { method: "POST", keepalive: true });
  });
})();
