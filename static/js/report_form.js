// The monthly report form: add and remove item rows, and autosave the draft.
// The form posts itself to the autosave endpoint (htmx) on every change and every 20 s while there are
// unsaved keystrokes, so a draft never loses what was typed.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) { return; }
  var items = document.getElementById("report-items");
  var template = document.getElementById("report-item-template");
  window.reportFormDirty = false;

  function renumber() {
    items.querySelectorAll(".report-item-number").forEach(function (badge, i) { badge.textContent = String(i + 1); });
  }

  function autosave() {
    if (window.htmx) { window.htmx.trigger(form, "report-autosave"); }
  }

  function addRow() {
    var fragment = template.content.cloneNode(true);
    items.appendChild(fragment);
    renumber();
    var rows = items.querySelectorAll(".report-item");
    rows[rows.length - 1].querySelector("textarea").focus();
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action]");
    if (!button) { return; }
    if (button.dataset.action === "add-item") {
      addRow();
    } else if (button.dataset.action === "remove-item") {
      var row = button.closest(".report-item");
      if (items.querySelectorAll(".report-item").length > 1) {
        row.remove();
      } else {
        row.querySelectorAll("textarea, input").forEach(function (el) { el.value = ""; });
        row.querySelector("select").value = "";
      }
      renumber();
      autosave();
    }
  });
  form.addEventListener("input", function () { window.reportFormDirty = true; });
  form.addEventListener("change", autosave);
  // Whatever triggered the request (a change or the 20 s timer), what was typed so far is on its way.
  form.addEventListener("htmx:beforeRequest", function () { window.reportFormDirty = false; });
  // A normal submit (save draft / submit) supersedes any pending autosave.
  form.addEventListener("submit", function () { window.reportFormDirty = false; });
  // Every 20 s, only while there are unsaved keystrokes (a timer here, not an htmx trigger filter: the
  // Content-Security-Policy forbids the eval such a filter needs).
  window.setInterval(function () { if (window.reportFormDirty) { autosave(); } }, 20000);
  renumber();
})();
