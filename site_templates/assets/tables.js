/* scorecard-press: sort tables worst-first, and start a wide strategy map at its boxes.
 * Sorting: a column whose header has data-sort gets a button;
 * each cell of it holds its sort key in data-sort (lower is worse; empty sorts last). Without
 * JavaScript the table keeps the order it was published in, which is readable on its own.
 * In a table with one <tbody> per group (objective and its KPIs), groups sort by their first row
 * and rows inside a group after it, so a KPI never leaves its objective. On a phone (cards instead
 * of rows) the sort buttons stay above the cards as a bar (extra.css).
 * Map: on a screen narrower than the drawing, it scrolls sideways; it starts with its boxes in view
 * (centred when they fit) rather than at the empty left of the bands, which a box may sit far from. */
(function () {
  "use strict";

  function key(row, column) {
    var cell = row.children[column];
    var value = cell ? cell.getAttribute("data-sort") : null;
    return value === null || value === "" ? Infinity : parseFloat(value);
  }

  function order(rows, column, down) {
    return rows.slice().sort(function (a, b) {
      var x = key(a, column), y = key(b, column);
      if (x === y) { return 0; }
      if (x === Infinity) { return 1; }
      if (y === Infinity) { return -1; }
      return down ? y - x : x - y;
    });
  }

  function sortTable(table, column, down) {
    var bodies = Array.prototype.slice.call(table.tBodies);
    if (bodies.length > 1) {
      bodies.forEach(function (body) {
        var rows = Array.prototype.slice.call(body.rows);
        order(rows.slice(1), column, down).forEach(function (row) { body.appendChild(row); });
      });
      order(bodies.map(function (b) { return b.rows[0]; }), column, down).forEach(function (row) {
        table.appendChild(row.parentNode);
      });
    } else if (bodies.length === 1) {
      // One objective: its row stays first and only its KPIs are sorted below it
      var rows = Array.prototype.slice.call(bodies[0].rows);
      var fixed = rows.length && rows[0].classList.contains("sp-objective") ? 1 : 0;
      order(rows.slice(fixed), column, down).forEach(function (row) { bodies[0].appendChild(row); });
    }
  }

  function enhance(table) {
    if (table.hasAttribute("data-sortable-ready")) { return; }
    table.setAttribute("data-sortable-ready", "1");
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, column) {
      if (!th.hasAttribute("data-sort")) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sp-sort";
      button.textContent = th.textContent;
      button.title = "Sort worst first; again for best first";
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var down = th.getAttribute("aria-sort") === "ascending";
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", down ? "descending" : "ascending");
        sortTable(table, column, down);
      });
    });
  }

  function showBoxes(pan) {
    if (pan.hasAttribute("data-map-ready")) { return; }
    var frame = pan.getBoundingClientRect();
    var lefts = [], rights = [];
    pan.querySelectorAll(".sp-box rect").forEach(function (rect) {
      var r = rect.getBoundingClientRect();
      lefts.push(r.left - frame.left + pan.scrollLeft);
      rights.push(r.right - frame.left + pan.scrollLeft);
    });
    if (lefts.length && pan.scrollWidth > pan.clientWidth) {
      var first = Math.min.apply(null, lefts), last = Math.max.apply(null, rights);
      var room = pan.clientWidth - (last - first);
      pan.scrollLeft = Math.max(0, room > 0 ? first - room / 2 : first - 8);
    }
    pan.setAttribute("data-map-ready", "1");
  }

  /* An archived page's period menu: the periods the latest site lists (assets/scorecard/periods.js
   * there, loaded as a script so it works over file:// too). The archive's own period is marked,
   * the others link into the latest site. Without the list the banner's two links remain. */
  function periodMenu(menu) {
    if (menu.hasAttribute("data-filled")) { return; }
    var root = menu.getAttribute("data-root") || "";
    function fill() {
      var periods = window.scorecardPeriods;
      if (!Array.isArray(periods) || menu.hasAttribute("data-filled")) { return; }
      var list = menu.querySelector("ul");
      periods.forEach(function (p) {
        var item = document.createElement("li");
        var here = new URL(menu.getAttribute("data-home") || "", document.baseURI).href;
        if (new URL(root + p.href, document.baseURI).href === here) {
          var strong = document.createElement("strong");
          strong.textContent = p.label;
          item.appendChild(strong);
          item.appendChild(document.createTextNode(" (this page)"));
        } else {
          var link = document.createElement("a");
          link.href = root + p.href;
          link.textContent = p.label;
          item.appendChild(link);
        }
        if (p.published) { item.appendChild(document.createTextNode(" · published " + p.published)); }
        list.appendChild(item);
      });
      menu.setAttribute("data-filled", "1");
      menu.hidden = false;
    }
    if (Array.isArray(window.scorecardPeriods)) { fill(); return; }
    var script = document.createElement("script");
    script.src = root + "assets/scorecard/periods.js";
    script.onload = fill;
    document.head.appendChild(script);
  }

  function start() {
    document.querySelectorAll("table.sp-sortable").forEach(enhance);
    document.querySelectorAll(".sp-map-pan").forEach(showBoxes);
    document.querySelectorAll(".sp-period-list[data-root]").forEach(periodMenu);
  }

  if (typeof document$ !== "undefined" && document$.subscribe) { document$.subscribe(start); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
