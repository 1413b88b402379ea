/* rackwright pages: charts, long tables, the scenario editor, run progress. No framework; the
   pages work without this script (charts aside), it only makes them easier to use. */
(function () {
  "use strict";

  function each(selector, fn, root) {
    Array.prototype.forEach.call((root || document).querySelectorAll(selector), fn);
  }

  /* -- charts: drawn from the JSON block beside each chart box -------------------------- */
  function drawCharts() {
    each("script[type='application/json'][data-chart-for]", function (block) {
      var el = document.getElementById(block.getAttribute("data-chart-for"));
      if (!el) return;
      try {
        var spec = JSON.parse(block.textContent);
        window.Plotly.newPlot(el, spec.data, spec.layout, spec.config);
      } catch (err) {
        el.className += " chart-error";
        el.textContent = "This chart could not be drawn: " + err.message;
      }
    });
    if (window.Plotly && window.ResizeObserver) {
      var observer = new ResizeObserver(function (entries) {
        entries.forEach(function (entry) {
          var gd = entry.target, drawn = gd._fullLayout;
          if (drawn && gd.offsetParent !== null &&
              Math.abs(drawn.width - entry.contentRect.width) > 1) {
            window.Plotly.Plots.resize(gd);
          }
        });
      });
      each(".chart", function (gd) { observer.observe(gd); });
    }
  }

  /* -- long tables: "show all" -------------------------------------------------------- */
  function tables() {
    each(".table-box button.show-all", function (button) {
      button.addEventListener("click", function () {
        var box = button.closest(".table-box");
        var on = !box.classList.contains("expanded");
        box.classList.toggle("expanded", on);
        button.setAttribute("aria-expanded", on ? "true" : "false");
        button.textContent = button.getAttribute(on ? "data-less" : "data-more");
      });
    });
  }

  /* -- the editor: line numbers, the error's line, uploads, drafts --------------------- */
  function lineStart(text, line) {
    var pos = 0;
    for (var i = 1; i < line; i++) {
      var next = text.indexOf("\n", pos);
      if (next < 0) return text.length;
      pos = next + 1;
    }
    return pos;
  }

  function editor(form) {
    var area = form.querySelector("textarea[name='toml']");
    var gutter = form.querySelector(".gutter");
    var bad = parseInt(gutter.getAttribute("data-error-line") || "0", 10);
    var key = form.getAttribute("data-draft-key");
    var original = area.value;

    function numbers() {
      var count = area.value.split("\n").length, out = [];
      for (var i = 1; i <= count; i++) {
        out.push(i === bad ? "<span class='bad'>" + i + "</span>" : "<span>" + i + "</span>");
      }
      gutter.innerHTML = out.join("");
      gutter.scrollTop = area.scrollTop;
    }

    function goTo(line) {
      var start = lineStart(area.value, line);
      var end = area.value.indexOf("\n", start);
      area.focus();
      area.setSelectionRange(start, end < 0 ? area.value.length : end);
      var height = area.scrollHeight / Math.max(area.value.split("\n").length, 1);
      area.scrollTop = Math.max(0, (line - 5) * height);
      gutter.scrollTop = area.scrollTop;
    }

    area.addEventListener("scroll", function () { gutter.scrollTop = area.scrollTop; });
    area.addEventListener("input", function () {
      numbers();
      try {
        localStorage.setItem(key, JSON.stringify({ text: area.value, at: Date.now() }));
      } catch (err) { /* storage full or off: the draft is simply not kept */ }
    });
    each(".goto-line", function (button) {
      button.addEventListener("click", function () {
        goTo(parseInt(button.getAttribute("data-line"), 10));
      });
    });
    numbers();
    if (bad > 0) goTo(bad);

    var upload = form.querySelector("input[type='file']");
    var uploadProblem = document.getElementById("upload-problem");
    upload.addEventListener("change", function () {
      var file = upload.files && upload.files[0];
      uploadProblem.hidden = true;
      if (!file) return;
      var limit = parseInt(upload.getAttribute("data-limit"), 10);
      if (file.size > limit) {
        uploadProblem.textContent = "The file " + file.name + " has " +
          file.size.toLocaleString("en-US") + " bytes; a document holds at most " +
          limit.toLocaleString("en-US") + ". It was not loaded and nothing was saved; " +
          "the editor still holds your text.";
        uploadProblem.hidden = false;
        upload.value = "";
        return;
      }
      file.text().then(function (text) {
        area.value = text;
        upload.value = "";  // the editor now holds the file's text: that is what is saved
        area.dispatchEvent(new Event("input"));
      });
    });

    var offer = form.querySelector(".draft-offer");
    var kept = null;
    try { kept = JSON.parse(localStorage.getItem(key) || "null"); } catch (err) { kept = null; }
    if (kept && typeof kept.text === "string" && kept.text !== original) {
      offer.hidden = false;
      offer.querySelector(".restore-draft").addEventListener("click", function () {
        area.value = kept.text;
        numbers();
        offer.hidden = true;
      });
      offer.querySelector(".discard-draft").addEventListener("click", function () {
        localStorage.removeItem(key);
        offer.hidden = true;
      });
    }
  }

  function savedDrafts() {
    each("[data-saved-draft]", function (el) {
      try {
        localStorage.removeItem("rw-draft:" + el.getAttribute("data-saved-draft"));
        localStorage.removeItem("rw-draft:new");
      } catch (err) { /* nothing kept */ }
    });
  }

  /* -- a run in progress: poll its status, reload when it ends ------------------------- */
  function progress(box) {
    var status = box.getAttribute("data-status");
    if (status !== "queued" && status !== "running") return;
    var bar = document.getElementById("run-bar"), text = document.getElementById("progress-text");
    function poll() {
      fetch(box.getAttribute("data-status-url"), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (run) {
          if (!run) { setTimeout(poll, 3000); return; }
          var p = run.progress;
          if (run.status === "succeeded" || run.status === "failed") {
            window.location.reload();
            return;
          }
          if (p.stages_total) { bar.max = p.stages_total; bar.value = p.stages_done; }
          text.textContent = run.status === "queued" ? "Waiting for the run to start…" :
            p.stages_done + " of " + p.stages_total + " stages done" +
            (p.current_stage ? "; now: " + p.current_stage : "");
          setTimeout(poll, 1000);
        })
        .catch(function () { setTimeout(poll, 3000); });
    }
    setTimeout(poll, 500);
  }

  if (window.Plotly) drawCharts();
  tables();
  each("form.editor-form", editor);
  savedDrafts();
  each("#run-progress", progress);
})();
