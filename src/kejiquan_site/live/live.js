/* Live preview (served by `kejiquan serve` only, never part of the built site): reload after a
   rebuild, or show the build's diagnostics over the page while the content has errors. */
(function () {
  "use strict";
  var overlay = null;
  var me = document.currentScript;
  var shown = me ? me.getAttribute("data-generation") : null;  // the build this page came from

  function showErrors(report) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "kejiquan-errors";
      overlay.setAttribute("role", "alert");
      var s = overlay.style;
      s.position = "fixed"; s.inset = "0"; s.zIndex = "2147483647"; s.overflow = "auto";
      s.background = "rgba(20, 22, 26, 0.94)"; s.color = "#f5f5f5"; s.padding = "1.5rem";
      s.font = "14px/1.5 ui-monospace, Menlo, Consolas, monospace";
      var title = document.createElement("p");
      title.textContent = "构建失败：下面的问题修好后页面会自动刷新（显示的是上一次成功构建的页面）";
      title.style.font = "bold 16px/1.5 sans-serif";
      title.style.color = "#ff9b8f";
      var body = document.createElement("pre");
      body.style.whiteSpace = "pre-wrap";
      overlay.appendChild(title);
      overlay.appendChild(body);
      document.body.appendChild(overlay);
    }
    overlay.lastChild.textContent = report;
  }

  var events = new EventSource("/__kejiquan/events");
  events.addEventListener("state", function (event) {
    var state = JSON.parse(event.data);
    if (state.report) showErrors(state.report);
    else if (shown !== null && String(state.generation) !== shown) window.location.reload();  // rebuilt meanwhile
  });
  events.addEventListener("reload", function () { window.location.reload(); });
  events.addEventListener("failed", function (event) {
    if (event.data) showErrors(JSON.parse(event.data).report);
  });
})();
