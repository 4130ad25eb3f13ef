/* Draws the page's charts. Chart data sits in <script type="application/json"> blocks (no inline
   code, so a strict Content-Security-Policy works); plotly.js is fetched from the site itself only
   when a chart comes near the viewport. A chart with a static picture (drawn at build time) shows
   it at once; plotly.js then loads when the reader reaches for the chart (pointer, touch, focus)
   or, for a chart near the viewport, when the browser is idle, and draws over the picture in the
   same box, so nothing moves. */
(function () {
  "use strict";
  // The embed code's copy button (shown only where JavaScript runs): the clipboard, or else the
  // code selected for the reader to copy; a status line tells screen readers what happened.
  Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
    var code = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector(".copy-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () { status.textContent = button.getAttribute("data-copied"); };
      var select = function () { code.focus(); code.select(); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(code.value).then(done, select);
      } else {
        select();
        try { if (document.execCommand("copy")) done(); } catch (e) { /* the code stays selected */ }
      }
    });
  });
  var me = document.currentScript;
  var plotlySrc = me && me.getAttribute("data-plotly");
  var boxes = Array.prototype.slice.call(document.querySelectorAll("[data-chart]"));
  if (!boxes.length || !plotlySrc) return;
  document.documentElement.classList.add("js");
  // Without JavaScript the data tables stay open; with it the chart shows and the table folds away.
  var tables = Array.prototype.slice.call(document.querySelectorAll("details.chart-data"));
  function fold(open) { tables.forEach(function (details) { details.open = open; }); }
  fold(false);
  // On paper the charts give way to their tables.
  window.addEventListener("beforeprint", function () { fold(true); });
  window.addEventListener("afterprint", function () { fold(false); });
  var loading = null;

  function loadPlotly() {
    if (window.Plotly) return Promise.resolve(window.Plotly);
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = plotlySrc;
        script.onload = function () { resolve(window.Plotly); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function dark() {
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  }

  // The figure's colours are the light palette; figure.dark maps each to its dark twin.
  function recolour(value, colours) {
    if (typeof value === "string") return colours.hasOwnProperty(value) ? colours[value] : value;
    if (Array.isArray(value)) return value.map(function (v) { return recolour(v, colours); });
    if (value && typeof value === "object") {
      var out = {};
      Object.keys(value).forEach(function (key) { out[key] = recolour(value[key], colours); });
      return out;
    }
    return value;
  }

  // Schematic labels come placed for several widths: take the widest not above the box's.
  function labelsFor(figure, width) {
    var chosen = null;
    (figure.variants || []).forEach(function (variant) {
      if (!chosen || variant.width <= width) chosen = variant;
    });
    return chosen;
  }

  function prepared(figure, box) {
    var colours = dark() && figure.dark ? figure.dark : {};
    var variant = labelsFor(figure, box.clientWidth);
    var layout = recolour(figure.layout, colours);
    if (variant) layout.annotations = recolour(variant.annotations, colours);
    return { data: recolour(figure.data, colours), layout: layout, config: figure.config, variant: variant };
  }

  function draw(box) {
    if (box.getAttribute("data-drawn")) return;
    box.setAttribute("data-drawn", "1");
    var source = document.getElementById(box.getAttribute("data-chart"));
    var figure = JSON.parse(source.textContent);
    loadPlotly().then(function (Plotly) {
      var ready = prepared(figure, box);
      var fallback = box.querySelector(".chart-fallback");
      if (fallback) box.removeChild(fallback);  // the picture stays beneath until the chart is drawn
      box._variant = ready.variant;
      return Plotly.newPlot(box, ready.data, ready.layout, ready.config).then(function () {
        if (!figure.variants) return;
        var redraw = function () {  // a new width, or the scheme switched
          var next = prepared(figure, box);
          if (next.variant === box._variant && next.layout.font.color === box.layout.font.color) return;
          box._variant = next.variant;
          Plotly.react(box, next.data, next.layout, next.config);
        };
        window.addEventListener("resize", redraw);
      });
    }).then(function () {
      box.classList.add("is-drawn");
    }).catch(function () {
      box.removeAttribute("data-drawn");
    });
  }

  // In an <iframe> embed, tell the host page how tall the chart is (see the embed snippet).
  if (window.parent !== window && document.body.classList.contains("embed")) {
    var report = function () {
      window.parent.postMessage({ "kejiquan-embed-height": Math.ceil(document.body.getBoundingClientRect().height),
                                  "src": window.location.href }, "*");
    };
    window.addEventListener("load", report);
    window.addEventListener("resize", report);
    boxes.forEach(function (box) { box.addEventListener("plotly_afterplot", report); });
    document.addEventListener("toggle", report, true);  // the data table opened or closed
    setTimeout(report, 1500);
  }

  // A chart that has its picture waits for the page to load and the browser to be idle.
  var loaded = document.readyState === "complete";
  var waiting = [];
  function whenIdle(box) {
    if (!loaded) { waiting.push(box); return; }
    var later = window.requestIdleCallback || function (callback) { return setTimeout(callback, 200); };
    later(function () { draw(box); }, { timeout: 3000 });
  }
  window.addEventListener("load", function () {
    loaded = true;
    waiting.splice(0).forEach(whenIdle);
  });
  function near(box) {
    if (box.classList.contains("has-picture")) whenIdle(box); else draw(box);
  }
  boxes.forEach(function (box) {
    if (!box.classList.contains("has-picture")) return;
    var now = function () { draw(box); };
    ["pointerenter", "pointerdown", "touchstart"].forEach(function (name) {
      box.addEventListener(name, now, { passive: true, once: true });
    });
    box.parentNode.addEventListener("focusin", now, { once: true });
  });
  if ("IntersectionObserver" in window) {
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          near(entry.target);
        }
      });
    }, { rootMargin: "300px 0px" });
    boxes.forEach(function (box) { observer.observe(box); });
  } else {
    boxes.forEach(near);
  }
})();
