"""The style sheet and script of ``report.html``, inlined into the page (it opens offline).

Layout: a side table of contents that stays in view on wide screens and a sticky bar of links
on narrow ones, the current section marked as the reader scrolls; each section collapsible
(``<details>``); long tables cut to their first rows with a button to show them all. Without
script the page still works: sections fold natively and every table row is shown.
"""

from __future__ import annotations

# Wide screens get the side navigation; below this width it becomes a bar across the top.
SIDE_NAV_MIN_WIDTH_PX = 1100

STYLE = f"""
:root {{ --ink: #1d2330; --muted: #5a6272; --line: #dde1e7; --accent: #1565c0;
         --paper: #fff; --ground: #f6f7f9; }}
* {{ box-sizing: border-box; }}
html {{ scroll-behavior: auto; }}
body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       color: var(--ink); background: var(--ground); line-height: 1.45; }}
a {{ color: var(--accent); }}
.skip {{ position: absolute; left: -999px; }}
.skip:focus {{ left: 1rem; top: 1rem; z-index: 20; background: #fff; padding: .4rem; }}
header.page {{ background: var(--ink); color: #fff; padding: 1.2rem 1.5rem; }}
header.page h1 {{ margin: 0 0 .3rem 0; font-size: 1.5rem; }}
header.page .meta {{ color: #c7cdd8; font-size: .88rem; }}
.layout {{ display: grid; grid-template-columns: 15rem minmax(0, 1fr); gap: 1.5rem;
          max-width: 100rem; margin: 0 auto; padding: 0 1.5rem 3rem 1.5rem; }}
#toc {{ position: sticky; top: 0; align-self: start; max-height: 100vh; overflow-y: auto;
        padding: 1rem 0; font-size: .92rem; }}
#toc h2 {{ font-size: 1rem; margin: 0 0 .5rem 0; border: 0; }}
#toc ol {{ list-style: none; margin: 0; padding: 0; }}
#toc li a {{ display: block; padding: .3rem .6rem; border-left: 3px solid transparent;
            color: var(--ink); text-decoration: none; border-radius: 0 4px 4px 0; }}
#toc li a:hover {{ background: #eef1f5; }}
#toc li a.current {{ border-left-color: var(--accent); background: #e3ecfa; font-weight: 650; }}
.toc-tools {{ margin-top: .8rem; display: flex; gap: .4rem; flex-wrap: wrap; }}
button {{ font: inherit; font-size: .85rem; padding: .25rem .6rem; border-radius: 4px;
          border: 1px solid #b8c0cc; background: #fff; color: var(--ink); cursor: pointer; }}
button:hover {{ background: #eef1f5; }}
main {{ min-width: 0; }}
.report-section {{ background: var(--paper); border-radius: 6px; margin: 1.2rem 0;
                  box-shadow: 0 1px 2px rgba(0,0,0,.08); scroll-margin-top: .5rem; }}
.report-section > details > summary {{ cursor: pointer; padding: .8rem 1.5rem; display: flex;
                  align-items: baseline; gap: 1rem; flex-wrap: wrap; }}
.report-section > details > summary::marker {{ color: var(--muted); }}
.report-section > details > summary h2 {{ display: inline; margin: 0; font-size: 1.3rem; }}
.report-section > details > summary .contents {{ color: var(--muted); font-size: .85rem; }}
.report-section > details[open] > summary {{ border-bottom: 2px solid #e3e6eb; }}
.section-body {{ padding: .5rem 1.5rem 1.2rem 1.5rem; }}
.charts {{ display: grid; gap: 1rem;
          grid-template-columns: repeat(auto-fill, minmax(min(100%, 30rem), 1fr)); }}
.charts.one {{ grid-template-columns: minmax(0, 1fr); }}
.tables {{ display: flex; flex-wrap: wrap; gap: 0 2rem; align-items: flex-start; }}
.tables > .table-box {{ max-width: 100%; min-width: 0; }}
figure.chart-box {{ margin: .6rem 0; min-width: 0; border: 1px solid #eef0f3;
                   border-radius: 4px; }}
.chart {{ width: 100%; height: 400px; }}
.chart-error {{ color: #c62828; padding: 1rem; }}
figure.chart-box figcaption {{ padding: .2rem .6rem .5rem .6rem; }}
.table-box {{ margin: .9rem 0; }}
.table-wrap {{ overflow-x: auto; max-width: 100%; }}
table {{ border-collapse: collapse; font-size: .86rem; }}
caption {{ text-align: left; font-weight: 600; padding: .3rem 0; }}
caption .rows {{ color: var(--muted); font-weight: 400; margin-left: .4rem; }}
th, td {{ border: 1px solid var(--line); padding: .25rem .55rem; vertical-align: top; }}
thead th {{ background: #eef1f5; text-align: left; }}
tbody.group {{ border-top: 2px solid #b8c0cc; }}
tbody.group th {{ background: #f7f8fa; text-align: left; font-weight: 600; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
.table-box:not(.expanded) .more {{ display: none; }}
button.show-all {{ margin-top: .3rem; }}
.note {{ color: var(--muted); font-size: .85rem; }}
.legend-list {{ list-style: none; padding: 0; display: flex; gap: 1.2rem; flex-wrap: wrap; }}
.conf {{ display: inline-block; min-width: 1.4em; text-align: center; border-radius: 3px;
        font-weight: 700; color: #fff; background: #6d4c41; }}
.conf-V {{ background: #2e7d32; }} .conf-S {{ background: #1565c0; }}
.conf-E {{ background: #ef6c00; }} .conf-U {{ background: #c62828; }}
.publisher {{ white-space: nowrap; }}
@media (max-width: {SIDE_NAV_MIN_WIDTH_PX - 1}px) {{
  .layout {{ display: block; padding: 0 .8rem 2rem .8rem; }}
  #toc {{ z-index: 10; max-height: none; overflow-x: auto; overflow-y: hidden;
          white-space: nowrap; background: var(--paper); margin: 0 -.8rem; padding: .35rem .8rem;
          box-shadow: 0 1px 3px rgba(0,0,0,.15); display: flex; align-items: center; gap: .6rem; }}
  #toc h2 {{ display: none; }}
  #toc ol {{ display: flex; gap: .2rem; }}
  #toc li a {{ border-left: 0; border-bottom: 3px solid transparent; border-radius: 4px 4px 0 0;
              padding: .25rem .5rem; }}
  #toc li a.current {{ border-bottom-color: var(--accent); }}
  .toc-tools {{ margin: 0; flex-wrap: nowrap; }}
  .report-section {{ scroll-margin-top: 3.2rem; }}
  .report-section > details > summary, .section-body {{ padding-left: .9rem;
                                                        padding-right: .9rem; }}
}}
@media print {{
  #toc, button {{ display: none !important; }}
  .layout {{ display: block; }}
  .table-box .more {{ display: table-row-group !important; }}
}}
"""

# Shown only without script: every row of every table, no buttons that would do nothing.
NOSCRIPT_STYLE = (
    ".table-box .more { display: table-row-group !important; } "
    "button.show-all, .toc-tools { display: none !important; }"
)

# Defined before the charts: draws one chart, or says on the page why it could not.
DRAW_SCRIPT = """
function rwDraw(id, data, layout, config) {
  var el = document.getElementById(id);
  try {
    Plotly.newPlot(el, data, layout, config);
  } catch (err) {
    el.className += " chart-error";
    el.textContent = "This chart could not be drawn: " + err.message;
    console.error("chart " + id + ": " + err.message);
  }
}
"""

# Run at the end of the page: navigation that follows the reader, folding, "show all".
PAGE_SCRIPT = """
(function () {
  "use strict";
  var nav = document.getElementById("toc");
  var links = Array.prototype.slice.call(nav.querySelectorAll("a[href^='#']"));
  var targets = links.map(function (a) { return document.getElementById(a.hash.slice(1)); });
  var sections = Array.prototype.slice.call(document.querySelectorAll(".report-section"));

  function currentIndex() {
    var line = Math.min(window.innerHeight * 0.3, 240);
    var root = document.documentElement;
    if (window.scrollY + window.innerHeight >= root.scrollHeight - 2) return targets.length - 1;
    var found = 0;
    targets.forEach(function (t, i) {
      if (t && t.getBoundingClientRect().top <= line) found = i;
    });
    return found;
  }

  function keepInView(link) {
    // scroll the navigation itself, never the page, so the current link stays visible
    var box = nav.getBoundingClientRect(), r = link.getBoundingClientRect();
    if (r.left < box.left || r.right > box.right) {
      nav.scrollLeft += r.left - box.left - (box.width - r.width) / 2;
    }
    if (r.top < box.top || r.bottom > box.bottom) {
      nav.scrollTop += r.top - box.top - (box.height - r.height) / 2;
    }
  }

  function mark() {
    var index = currentIndex();
    links.forEach(function (a, i) {
      var on = i === index;
      a.classList.toggle("current", on);
      if (on) { a.setAttribute("aria-current", "location"); keepInView(a); }
      else { a.removeAttribute("aria-current"); }
    });
  }

  var queued = false;
  window.addEventListener("scroll", function () {
    if (queued) return;
    queued = true;
    window.requestAnimationFrame(function () { queued = false; mark(); });
  }, { passive: true });
  window.addEventListener("resize", mark);

  function setExpanded(box, on) {
    var button = box.querySelector("button.show-all");
    box.classList.toggle("expanded", on);
    if (button) {
      button.setAttribute("aria-expanded", on ? "true" : "false");
      button.textContent = on ? button.getAttribute("data-less") : button.getAttribute("data-more");
    }
  }

  function reveal(el) {
    // open the folded section and the cut table that hide an anchor's target
    var own = el.classList.contains("report-section") && el.querySelector(":scope > details");
    if (own) own.open = true;
    for (var node = el; node; node = node.parentElement) {
      if (node.tagName === "DETAILS" && !node.open) node.open = true;
      if (node.classList && node.classList.contains("table-box")) setExpanded(node, true);
    }
  }

  function byHash(hash) {
    return hash ? document.getElementById(decodeURIComponent(hash.slice(1))) : null;
  }
  function revealHash() {
    var target = byHash(location.hash);
    if (target) { reveal(target); target.scrollIntoView(); }
  }
  document.addEventListener("click", function (event) {
    var a = event.target.closest && event.target.closest("a[href^='#']");
    var target = a && byHash(a.hash);
    if (target) reveal(target);
  });
  window.addEventListener("hashchange", revealHash);

  Array.prototype.forEach.call(document.querySelectorAll(".table-box button.show-all"),
    function (button) {
      button.addEventListener("click", function () {
        var box = button.closest(".table-box");
        setExpanded(box, !box.classList.contains("expanded"));
        mark();
      });
    });

  // a chart follows its box: the grid settling, a section unfolding, the window resizing
  if (window.Plotly && window.ResizeObserver) {
    var observer = new ResizeObserver(function (entries) {
      entries.forEach(function (entry) {
        var gd = entry.target, drawn = gd._fullLayout;
        // redraw only a visible chart whose box no longer matches the width it was drawn at
        if (drawn && gd.offsetParent !== null &&
            Math.abs(drawn.width - entry.contentRect.width) > 1) {
          window.Plotly.Plots.resize(gd);
        }
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll(".chart"),
      function (gd) { observer.observe(gd); });
  }
  sections.forEach(function (section) {
    section.querySelector(":scope > details").addEventListener("toggle", mark);
  });

  Array.prototype.forEach.call(nav.querySelectorAll("button[data-fold]"), function (button) {
    button.addEventListener("click", function () {
      var open = button.getAttribute("data-fold") === "open";
      sections.forEach(function (s) { s.querySelector(":scope > details").open = open; });
      mark();
    });
  });

  if (location.hash) revealHash();
  mark();
})();
"""
