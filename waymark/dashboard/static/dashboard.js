// Waymark dashboard: what htmx does not do. Buttons, confirmations and live refreshes are htmx
// attributes in the templates (hx-post, hx-confirm, hx-trigger="sse:message"); this file lights
// the live dot and lays out run graphs with the vendored Graphviz (viz-global.js, loaded only on a
// page that has a graph). Pages work without it: forms post, the graph's DOT text is shown.
(function () {
  "use strict";

  var VIZ = "/static/vendor/viz-global.js";
  var vizReady = null;

  // The stream belongs to <body>; a button's swap replaces the header, so the dot is redrawn.
  var connected = false;
  function showDot() {
    var element = document.querySelector(".live-dot");
    if (element) { element.classList.toggle("on", connected); }
  }
  function dot(on) {
    connected = on;
    showDot();
  }
  document.body.addEventListener("htmx:sseOpen", function () { dot(true); });
  document.body.addEventListener("htmx:sseError", function () { dot(false); });

  // Close the event stream when the page goes away: a browser keeps few connections per host,
  // and a stream left open by a page in its back/forward cache would hold one.
  var sources = [];
  var createEventSource = htmx.createEventSource;
  htmx.createEventSource = function (url) {
    var source = createEventSource(url);
    sources = sources.filter(function (s) { return s.readyState !== EventSource.CLOSED; });
    sources.push(source);
    return source;
  };
  window.addEventListener("pagehide", function () {
    sources.forEach(function (source) { source.close(); });
    dot(false);
  });
  // A page restored from that cache has no stream and stale data: load it afresh.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { window.location.reload(); }
  });

  function loadViz() {
    if (vizReady === null) {
      vizReady = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = VIZ;
        script.onload = function () { resolve(window.Viz.instance()); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return vizReady;
  }

  // A graph is a <figure data-graph>: its DOT text (`.dot-source`, refreshed by htmx as the run
  // moves) is laid out into `.drawing` whenever it changes.
  function draw(figure) {
    var source = figure.querySelector(".dot-source");
    var drawing = figure.querySelector(".drawing");
    var text = source ? source.textContent : "";
    if (!drawing || !text || figure.drawnText === text) { return; }
    figure.drawnText = text;
    loadViz().then(function (viz) {
      var svg = viz.renderSVGElement(text);
      drawing.replaceChildren(svg);
      figure.classList.add("drawn");
    }).catch(function (error) {
      figure.classList.add("undrawn");
      drawing.textContent = "The graph could not be laid out in this browser (" + error +
        "); its DOT text is below.";
    });
  }

  function drawAll(root) {
    var figure = root.closest ? root.closest("[data-graph]") : null;
    if (figure) { draw(figure); }
    if (root.querySelectorAll) { root.querySelectorAll("[data-graph]").forEach(draw); }
  }
  htmx.onLoad(function (content) {
    showDot();
    drawAll(content);
  });
  document.body.addEventListener("htmx:afterSwap", function (event) { drawAll(event.target); });
  drawAll(document.body);
})();
