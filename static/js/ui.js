// Behaviour that templates ask for with data- attributes, so no page needs inline script or style attributes
// (the Content-Security-Policy forbids both):
//   <select data-autosubmit>         submits its form when changed (the period and year pickers);
//   <button data-print>              prints the page;
//   <form data-confirm="…">          asks before submitting, and submits nothing if the user says no;
//   <input data-enter-stays>         Enter does not submit the form (a search box inside a bigger form);
//   data-width / data-left="42.5"    a bar's width or a marker's position in per cent;
//   data-height="1.25rem"            an element's height; data-indent="2" an indent in em (the unit tree).
// Scripts may set element.style (CSSOM), which CSP allows, so sizes computed on the server arrive this way.
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var select = event.target.closest("[data-autosubmit]");
    if (select && select.form) {
      if (select.form.requestSubmit) { select.form.requestSubmit(); } else { select.form.submit(); }
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); }
  });

  // Capture phase, so a refusal also stops htmx and other listeners on the form.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.closest("[data-enter-stays]")) { event.preventDefault(); }
  });

  function applySizes(root) {
    root.querySelectorAll("[data-width]").forEach(function (el) { el.style.width = el.dataset.width + "%"; });
    root.querySelectorAll("[data-left]").forEach(function (el) { el.style.left = el.dataset.left + "%"; });
    root.querySelectorAll("[data-height]").forEach(function (el) { el.style.height = el.dataset.height; });
    root.querySelectorAll("[data-indent]").forEach(function (el) { el.style.paddingLeft = el.dataset.indent + "em"; });
  }

  // On the page as loaded, and on whatever htmx swaps in later (a job's progress bar, a refreshed card).
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { applySizes(document); });
  } else {
    applySizes(document);
  }
  document.addEventListener("htmx:load", function (event) { applySizes(event.target); });
})();
