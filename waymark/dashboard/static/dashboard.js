// Waymark dashboard: the little behaviour the pages need, written for this project (no build
// step, no dependencies). Pages work without it; it adds confirmations and live updates.
(function () {
  "use strict";

  // Forms with data-confirm ask first (inline handlers are blocked by the CSP).
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  var live = document.querySelectorAll("[data-live]");
  if (!live.length) {
    return;
  }
  var dot = document.querySelector(".live-dot");

  function refresh() {
    live.forEach(function (element) {
      fetch(element.getAttribute("data-live"), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (text) {
          if (text === null) { return; }
          var doc = new DOMParser().parseFromString(text, "text/html");
          var fresh = element.id ? doc.getElementById(element.id) : null;
          element.innerHTML = fresh ? fresh.innerHTML : doc.body.innerHTML;
        })
        .catch(function () { /* the next event or poll tries again */ });
    });
    var graph = document.getElementById("graph");
    if (graph) {
      graph.src = graph.getAttribute("data-src") + "?v=" + Date.now();
    }
  }

  var pending = null;
  function soon() {
    if (pending === null) {
      pending = window.setTimeout(function () { pending = null; refresh(); }, 300);
    }
  }

  if (window.EventSource) {
    var source = new EventSource(document.body.getAttribute("data-events"));
    source.onopen = function () { if (dot) { dot.classList.add("on"); } };
    source.onerror = function () { if (dot) { dot.classList.remove("on"); } };
    source.onmessage = soon;
  }
  // Not every change is notified (a runner claiming a run is not): poll slowly as well.
  window.setInterval(refresh, 10000);
})();
