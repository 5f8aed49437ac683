/* scorecard-press: draw every <div class="sp-chart" data-figure="..."> with plotly.js.
 * Charts draw when scrolled near (IntersectionObserver), once per element (data-rendered),
 * on plain loads (DOMContentLoaded, also over file://) and on instant navigation (document$).
 * One template for every chart, taken from the theme's colours; redrawn when the theme flips. */
(function () {
  "use strict";

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

  function styled(figure) {
    var t = theme();
    var layout = merge({ font: t.font, paper_bgcolor: t.paper_bgcolor, plot_bgcolor: t.plot_bgcolor,
                         xaxis: t.xaxis, yaxis: t.yaxis }, figure.layout || {});
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
    if (el.hasAttribute("data-rendered") || typeof Plotly === "undefined") { return; }
    el.setAttribute("data-rendered", "1");
    var figure = styled(JSON.parse(el.getAttribute("data-figure")));
    Plotly.newPlot(el, figure.data, figure.layout, { displayModeBar: false, responsive: true });
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
    document.querySelectorAll(".sp-chart[data-rendered]").forEach(function (el) {
      var figure = styled(JSON.parse(el.getAttribute("data-figure")));
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
