// The console's own script, kept small: countdowns to a moment (`<time data-countdown>`) tick each second.
// Everything else is plain HTML forms and htmx attributes; no inline script anywhere (the CSP forbids it).
(function () {
  "use strict";

  function span(seconds) {
    var s = Math.abs(Math.round(seconds));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    if (h) { return h + " h " + m + " min"; }
    if (m) { return m + " min " + r + " s"; }
    return r + " s";
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("time[data-countdown]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("datetime"));
      if (isNaN(due)) { return; }
      var left = (due - now) / 1000;
      el.textContent = left >= 0 ? "in " + span(left) : span(left) + " ago";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    window.setInterval(tick, 1000);
  });
  document.addEventListener("htmx:afterSettle", tick);
})();
