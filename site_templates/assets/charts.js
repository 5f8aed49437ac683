/* scorecard-press: draw every <div class="sp-chart" data-figure="..."> with plotly.js.
 * plotly.js (4.8 MB) is loaded from beside this script only on a page that has a chart.
 * Charts draw when scrolled near (IntersectionObserver), once per element (data-rendered),
 * on plain loads (DOMContentLoaded, also over file://) and on instant navigation (document$).
 * One template for every chart, taken from the theme's colours; redrawn when the theme flips. */
(function () {
  "use strict";

  /* Over http the absolute address (instant navigation keeps this script across pages); over file://
   * the page's own relative one (every page loads afresh there), so no file: address is written */
  var script = document.currentScript;
  var here = !script ? "" : location.protocol === "file:" ? script.getAttribute("src") : script.src;
  var plotly = null;  /* one <script> for plotly.min.js, added when a page first needs it */

  function withPlotly(then) {
    if (typeof Plotly !== "undefined") { then(); return; }
    if (!plotly) {
      plotly = document.createElement("script");
      plotly.src = here.replace(/charts\.js(\?.*)?$/, "plotly.min.js");
      document.head.appendChild(plotly);
    }
    plotly.addEventListener("load", then);
  }

  function theme() {
    var style = getComputedStyle(document.body);
    var fg = style.getPropertyValue("--md-default-fg-color").trim() || "#1f2328";
    var dark = document.body.getAttribute("data-md-color-scheme") === "slate";
    return {
      font: { family: "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif", size: 13, color: fg },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      colorway: [dark ? "#7cacf8" : "#0b57d0", dark ? "#c9d1d9" : "#444c56"],
      xaxis: { gridcolor: dark ? "#3a3f4b" : "#e1e4e8", linecolor: dark ? "#6e7681" : "#8c959f" },
      yaxis: { gridcolor: dark ? "#3a3f4b" : "#e1e4e8", linecolor: dark ? "#6e7681" : "#8c959f" },
      dark: dark
    };
  }

  function merge(base, extra) {
    var out = {}, key;
    for (key in base) { out[key] = base[key]; }
    for (key in extra) {
      out[key] = (extra[key] && typeof extra[key] === "object" && !Array.isArray(extra[key]) &&
                  base[key] && typeof base[key] === "object") ? merge(base[key], extra[key]) : extra[key];
    }
    return out;
  }

  /* A phone-wide chart keeps what fits: fewer x labels, no axis title, the legend on its own row */
  function narrow(layout, width) {
    if (width >= 560) { return layout; }
    return merge(layout, {
      margin: { l: 44, r: 8, t: 8, b: 56 },
      font: { size: 11 },
      xaxis: { nticks: 4, tickangle: 0, automargin: true },
      yaxis: { title: { text: "" }, nticks: 5, automargin: true },
      legend: { orientation: "h", y: -0.32, x: 0 }
    });
  }

  function styled(figure, el) {
    var t = theme();
    var layout = merge({ font: t.font, paper_bgcolor: t.paper_bgcolor, plot_bgcolor: t.plot_bgcolor,
                         xaxis: t.xaxis, yaxis: t.yaxis }, figure.layout || {});
    if (el && !el.classList.contains("sp-heatmap")) { layout = narrow(layout, el.clientWidth); }
    var data = (figure.data || []).map(function (trace) {
      if (trace.type === "heatmap") {
        return merge(trace, { textfont: { color: "#1f2328" } });  /* pale cells: dark text in both themes */
      }
      if (trace.name === "Actual" && t.dark) { return merge(trace, { line: { color: t.colorway[0] } }); }
      if (trace.name === "Target" && t.dark) { return merge(trace, { line: { color: t.colorway[1] } }); }
      return trace;
    });
    return { data: data, layout: layout };
  }

  function draw(el) {
    if (el.hasAttribute("data-rendered")) { return; }
    if (typeof Plotly === "undefined") { withPlotly(function () { draw(el); }); return; }
    el.setAttribute("data-rendered", "1");
    var figure = styled(JSON.parse(el.getAttribute("data-figure")), el);
    Plotly.newPlot(el, figure.data, figure.layout, { displayModeBar: false, responsive: true }).then(function () {
      if (el.classList.contains("sp-heatmap") && el.on) { el.on("plotly_click", follow); }
    });
  }

  /* A heatmap cell leads to what it summarises: the unit's page or the KPI's section */
  function follow(event) {
    var point = event && event.points && event.points[0];
    var href = point && point.customdata && point.customdata[2];
    if (href && !/^[a-z][a-z0-9+.-]*:/i.test(href)) { window.location.href = href; }
  }

  var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) { observer.unobserve(entry.target); draw(entry.target); }
    });
  }, { rootMargin: "300px 0px" }) : null;

  function scan() {
    document.querySelectorAll(".sp-chart:not([data-rendered])").forEach(function (el) {
      if (observer) { observer.observe(el); } else { draw(el); }
    });
  }

  function redrawAll() {
    if (typeof Plotly === "undefined") { return; }
    document.querySelectorAll(".sp-chart[data-rendered]").forEach(function (el) {
      var figure = styled(JSON.parse(el.getAttribute("data-figure")), el);
      Plotly.react(el, figure.data, figure.layout, { displayModeBar: false, responsive: true });
    });
  }

  function openForPrint() {
    document.querySelectorAll("details.sp-data").forEach(function (d) { d.setAttribute("open", ""); });
    document.querySelectorAll(".sp-chart:not([data-rendered])").forEach(draw);
  }

  function label() {  /* the theme's search dialog has no accessible name */
    var dialog = document.querySelector(".md-search[role=dialog]");
    if (dialog && !dialog.hasAttribute("aria-label")) { dialog.setAttribute("aria-label", "Search"); }
  }

  function start() { label(); scan(); }

  if (typeof document$ !== "undefined" && document$.subscribe) { document$.subscribe(start); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
  window.addEventListener("beforeprint", openForPrint);
  new MutationObserver(function (changes) {
    if (changes.some(function (c) { return c.attributeName === "data-md-color-scheme"; })) { redrawAll(); }
  }).observe(document.body, { attributes: true });
})();
