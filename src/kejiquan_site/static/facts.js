/* Where a number comes from. Every number in prose, cards and timelines is a link to its row in
   the data table, which works without JavaScript. With it, the link opens a small panel beside the
   number instead: the source sentence (or formula), the source, period, qualifier and earlier
   published values. The panel's words and facts sit in <script type="application/json"
   id="fact-details"> (no inline code, for the Content-Security-Policy). The panel is absolutely
   positioned, so nothing on the page moves; Escape or the close button returns focus to the number. */
(function () {
  "use strict";
  var block = document.getElementById("fact-details");
  if (!block) return;
  var details;
  try { details = JSON.parse(block.textContent); } catch (error) { return; }
  var facts = details.facts, words = details.words;
  var panel = null, opener = null;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function line(label, text) {
    var p = element("p");
    p.appendChild(element("strong", "", label));
    p.appendChild(document.createTextNode(text));
    return p;
  }

  function close(returnFocus) {
    if (!panel) return;
    var was = opener;
    panel.parentNode.removeChild(panel);
    was.setAttribute("aria-expanded", "false");
    panel = null;
    opener = null;
    if (returnFocus) was.focus({preventScroll: true});
  }

  function build(link, fact) {
    var box = element("div", "fact-popover");
    box.id = "fact-popover";
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", fact.title);
    box.tabIndex = -1;
    var shut = element("button", "fact-popover-close", "×");
    shut.type = "button";
    shut.setAttribute("aria-label", words.close);
    shut.addEventListener("click", function () { close(true); });
    box.appendChild(shut);
    box.appendChild(element("p", "fact-popover-title", fact.title));
    if (fact.formula) {
      box.appendChild(line(words.computed, fact.formula));
    } else {
      var quote = element("blockquote", "", "“" + fact.evidence + "”");
      quote.setAttribute("lang", "zh-CN");
      box.appendChild(quote);
    }
    box.appendChild(line(words.source, fact.source));
    if (fact.period) box.appendChild(line(words.period_label, fact.period));
    if (fact.qualifier) box.appendChild(line(words.qualifier_label, fact.qualifier));
    if (fact.history.length) {
      box.appendChild(element("p", "", words.history));
      var list = element("ul");
      fact.history.forEach(function (entry) { list.appendChild(element("li", "", entry[0] + " · " + entry[1])); });
      box.appendChild(list);
    }
    var more = element("a", "", words.see_in_table);
    more.href = link.getAttribute("href");
    box.appendChild(element("p")).appendChild(more);
    return box;
  }

  function place(link, box) {
    // Absolutely positioned under the number, kept inside the window: nothing else moves.
    var parent = box.offsetParent || document.body;
    var origin = parent.getBoundingClientRect();
    var at = link.getBoundingClientRect();
    var width = box.offsetWidth;
    var room = document.documentElement.clientWidth;
    var left = Math.max(8, Math.min(at.left, room - width - 8));
    box.style.left = (left - origin.left - parent.clientLeft) + "px";
    box.style.top = (at.bottom - origin.top - parent.clientTop + 6) + "px";
  }

  function open(link) {
    var fact = facts[link.getAttribute("data-fact")];
    if (!fact) return;
    close(false);
    panel = build(link, fact);
    opener = link;
    panel.style.left = "0px";
    panel.style.top = "0px";
    link.parentNode.insertBefore(panel, link.nextSibling);  // in reading and Tab order right after the number
    place(link, panel);
    link.setAttribute("aria-expanded", "true");
    panel.focus({preventScroll: true});
  }

  var links = document.querySelectorAll("a.fact-link[data-fact]");
  Array.prototype.forEach.call(links, function (link) {
    if (!facts[link.getAttribute("data-fact")]) return;
    link.setAttribute("role", "button");
    link.setAttribute("aria-haspopup", "dialog");
    link.setAttribute("aria-expanded", "false");
    link.setAttribute("aria-controls", "fact-popover");
  });

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0) return;
    var link = event.target.closest && event.target.closest("a.fact-link[role=button]");
    if (link && !(event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)) {
      event.preventDefault();
      if (link === opener) close(true); else open(link);
      return;
    }
    if (panel && !panel.contains(event.target)) close(false);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && panel) {
      close(true);
    } else if (event.key === " " && event.target.matches && event.target.matches("a.fact-link[role=button]")) {
      event.preventDefault();  // a button opens on Space too
      open(event.target);
    }
  });
  window.addEventListener("resize", function () { if (panel) place(opener, panel); });
})();
